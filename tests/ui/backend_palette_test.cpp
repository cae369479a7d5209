#include "ui/backend_palette.h"

#include <gtest/gtest.h>

#include <QColor>

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

using lblab::ui::BackendPalette;

namespace {

// Colour science for the checks below, kept in the test: the product only needs the colours.

struct Lab {
    double l, a, b;
};

using Matrix = std::array<std::array<double, 3>, 3>;

/// A way of seeing: normal vision, or a dichromacy simulated with Machado, Oliveira & Fernandes
/// (2009), severity 1.0, applied to linear RGB.
struct Vision {
    const char* name;
    bool simulate;
    Matrix m;
};

const std::array<Vision, 4>& visions()
{
    static const std::array<Vision, 4> all = {{
        {"normal", false, {}},
        {"protanopia", true,
         {{{0.152286, 1.052583, -0.204868}, {0.114503, 0.786281, 0.099216}, {-0.003882, -0.048116, 1.051998}}}},
        {"deuteranopia", true,
         {{{0.367322, 0.860646, -0.227968}, {0.280085, 0.672501, 0.047413}, {-0.011820, 0.042940, 0.968881}}}},
        {"tritanopia", true,
         {{{1.255528, -0.076749, -0.178779}, {-0.078411, 0.930809, 0.147602}, {0.004733, 0.691367, 0.303900}}}},
    }};
    return all;
}

double toLinear(double c) { return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4); }

/// CIELAB (D65) of `colour` as seen with `vision`.
Lab labOf(const QColor& colour, const Vision& vision)
{
    std::array<double, 3> rgb = {toLinear(colour.redF()), toLinear(colour.greenF()), toLinear(colour.blueF())};
    if (vision.simulate) {
        std::array<double, 3> out{};
        for (std::size_t i = 0; i < 3; ++i)
            out[i] = std::clamp(vision.m[i][0] * rgb[0] + vision.m[i][1] * rgb[1] + vision.m[i][2] * rgb[2], 0.0, 1.0);
        rgb = out;
    }
    const double x = 0.4124564 * rgb[0] + 0.3575761 * rgb[1] + 0.1804375 * rgb[2];
    const double y = 0.2126729 * rgb[0] + 0.7151522 * rgb[1] + 0.0721750 * rgb[2];
    const double z = 0.0193339 * rgb[0] + 0.1191920 * rgb[1] + 0.9503041 * rgb[2];
    auto f = [](double t) { return t > 216.0 / 24389.0 ? std::cbrt(t) : (24389.0 / 27.0 * t + 16.0) / 116.0; };
    const double fx = f(x / 0.95047), fy = f(y / 1.0), fz = f(z / 1.08883);
    return {116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)};
}

double degrees(double rad) { return rad * 180.0 / std::numbers::pi; }
double radians(double deg) { return deg * std::numbers::pi / 180.0; }

/// CIEDE2000 colour difference (Sharma, Wu & Dalal 2005).
double deltaE2000(const Lab& p, const Lab& q)
{
    const double c1 = std::hypot(p.a, p.b), c2 = std::hypot(q.a, q.b);
    const double cMean7 = std::pow((c1 + c2) / 2.0, 7.0);
    const double g = 0.5 * (1.0 - std::sqrt(cMean7 / (cMean7 + std::pow(25.0, 7.0))));
    const double a1 = (1.0 + g) * p.a, a2 = (1.0 + g) * q.a;
    const double c1p = std::hypot(a1, p.b), c2p = std::hypot(a2, q.b);
    auto hue = [](double b, double a) {
        if (a == 0 && b == 0)
            return 0.0;
        const double h = degrees(std::atan2(b, a));
        return h < 0 ? h + 360.0 : h;
    };
    const double h1 = hue(p.b, a1), h2 = hue(q.b, a2);
    const double dL = q.l - p.l;
    const double dC = c2p - c1p;
    double dh = 0;
    if (c1p * c2p != 0) {
        dh = h2 - h1;
        if (dh > 180)
            dh -= 360;
        else if (dh < -180)
            dh += 360;
    }
    const double dH = 2.0 * std::sqrt(c1p * c2p) * std::sin(radians(dh / 2.0));
    const double lMean = (p.l + q.l) / 2.0;
    const double cpMean = (c1p + c2p) / 2.0;
    double hMean = h1 + h2;
    if (c1p * c2p != 0) {
        if (std::abs(h1 - h2) <= 180)
            hMean = (h1 + h2) / 2.0;
        else
            hMean = h1 + h2 < 360 ? (h1 + h2 + 360) / 2.0 : (h1 + h2 - 360) / 2.0;
    }
    const double t = 1 - 0.17 * std::cos(radians(hMean - 30)) + 0.24 * std::cos(radians(2 * hMean)) +
                     0.32 * std::cos(radians(3 * hMean + 6)) - 0.20 * std::cos(radians(4 * hMean - 63));
    const double dTheta = 30 * std::exp(-std::pow((hMean - 275) / 25, 2));
    const double cp7 = std::pow(cpMean, 7.0);
    const double rc = 2 * std::sqrt(cp7 / (cp7 + std::pow(25.0, 7.0)));
    const double sl = 1 + 0.015 * std::pow(lMean - 50, 2) / std::sqrt(20 + std::pow(lMean - 50, 2));
    const double sc = 1 + 0.045 * cpMean;
    const double sh = 1 + 0.015 * cpMean * t;
    const double rt = -std::sin(radians(2 * dTheta)) * rc;
    return std::sqrt(std::pow(dL / sl, 2) + std::pow(dC / sc, 2) + std::pow(dH / sh, 2) + rt * (dC / sc) * (dH / sh));
}

struct Named {
    std::string name;
    QColor colour;
};

struct Closest {
    double distance = 1e9;
    std::string first, second, vision;
};

/// The closest pair of `colours` over all four ways of seeing.
Closest closestPair(const std::vector<Named>& colours)
{
    Closest worst;
    for (const Vision& v : visions())
        for (std::size_t i = 0; i < colours.size(); ++i)
            for (std::size_t j = i + 1; j < colours.size(); ++j) {
                const double d = deltaE2000(labOf(colours[i].colour, v), labOf(colours[j].colour, v));
                if (d < worst.distance)
                    worst = {d, colours[i].name, colours[j].name, v.name};
            }
    return worst;
}

std::string describe(const Closest& c)
{
    return c.first + " vs " + c.second + " under " + c.vision + ": dE2000 " + std::to_string(c.distance);
}

/// The first `servers` palette colours, the "no request yet" grey and the miss red.
std::vector<Named> withGreyAndMiss(const std::vector<QColor>& palette, std::size_t servers)
{
    std::vector<Named> out;
    for (std::size_t i = 0; i < servers; ++i)
        out.push_back({"s" + std::to_string(i + 1), palette[i]});
    out.push_back({"no-request grey", BackendPalette::colourFor(-1)});
    out.push_back({"miss", BackendPalette::missColour()});
    return out;
}

std::vector<QColor> currentPalette()
{
    std::vector<QColor> colours;
    for (int i = 0; i < BackendPalette::kSize; ++i)
        colours.push_back(BackendPalette::colourFor(i));
    return colours;
}

/// The palette before issue 14 (Okabe-Ito with a brown and a grey), to show the checks can fail.
std::vector<QColor> oldPalette()
{
    return {QColor(0x0072B2), QColor(0xE69F00), QColor(0x009E73), QColor(0xCC79A7),
            QColor(0x56B4E9), QColor(0xF0E442), QColor(0x8C6D31), QColor(0x7F7F7F)};
}

// Every pair of the 8 server colours, the grey and the miss red must be at least this far apart
// (CIEDE2000) for normal vision and each simulated dichromacy. Nine colours leave a dichromat about
// two dimensions to tell them apart, so ~12 is near the best the published safe schemes allow
// (the new palette's closest pair: indigo s1 vs wine s8 for protanopes, 11.8). The old palette
// fails: bluish green s3 vs grey s8 for deuteranopes is 8.2, and the miss red vs brown s7 is 6.1.
constexpr double kAllPairsMin = 11.0;
// The first three (what most presets use) must be farther apart, from each other, the grey and the
// miss red: the old s1 blue vs s3 bluish green was 12.4 for tritanopes; the new first three reach 18.8.
constexpr double kFirstThreeMin = 18.0;

} // namespace

TEST(BackendPaletteTest, ColourDifferenceMatchesSharmasReferenceData)
{
    // Pairs 1, 7, 14 and 25 of Sharma, Wu & Dalal (2005), Table 1.
    EXPECT_NEAR(deltaE2000({50.0, 2.6772, -79.7751}, {50.0, 0.0, -82.7485}), 2.0425, 1e-4);
    EXPECT_NEAR(deltaE2000({50.0, 0.0, 0.0}, {50.0, -1.0, 2.0}), 2.3669, 1e-4);
    EXPECT_NEAR(deltaE2000({50.0, 2.4900, -0.0010}, {50.0, -2.4900, 0.0011}), 7.2195, 1e-4);
    EXPECT_NEAR(deltaE2000({60.2574, -34.0099, 36.2677}, {60.4626, -34.1751, 39.4387}), 1.2644, 1e-4);
    // White under every vision stays white (the matrices keep neutral colours neutral).
    for (const Vision& v : visions()) {
        const Lab white = labOf(QColor(Qt::white), v);
        EXPECT_NEAR(white.l, 100.0, 0.1) << v.name;
        EXPECT_NEAR(white.a, 0.0, 0.5) << v.name;
        EXPECT_NEAR(white.b, 0.0, 0.5) << v.name;
    }
}

TEST(BackendPaletteTest, AllEightServersGreyAndMissStayApartForEveryVision)
{
    const Closest worst = closestPair(withGreyAndMiss(currentPalette(), BackendPalette::kSize));
    EXPECT_GE(worst.distance, kAllPairsMin) << describe(worst);
}

TEST(BackendPaletteTest, TheFirstThreeServersAreTheFarthestApart)
{
    const Closest worst = closestPair(withGreyAndMiss(currentPalette(), 3));
    EXPECT_GE(worst.distance, kFirstThreeMin) << describe(worst);
}

TEST(BackendPaletteTest, TheOldPaletteFailsTheSameChecks)
{
    const Closest all = closestPair(withGreyAndMiss(oldPalette(), 8));
    EXPECT_LT(all.distance, kAllPairsMin) << describe(all);
    const Closest firstThree = closestPair(withGreyAndMiss(oldPalette(), 3));
    EXPECT_LT(firstThree.distance, kFirstThreeMin) << describe(firstThree);
}

TEST(BackendPaletteTest, TextOnEveryColourIsReadable)
{
    for (int i = -1; i < BackendPalette::kSize; ++i) {
        const double ratio = BackendPalette::contrastRatio(BackendPalette::textOn(i), BackendPalette::colourFor(i));
        EXPECT_GE(ratio, 4.5) << "WCAG AA for normal text on backend " << i;
    }
    EXPECT_EQ(BackendPalette::textOn(QColor(0xF7F056)), QColor(Qt::black));
    EXPECT_EQ(BackendPalette::textOn(QColor(0x332288)), QColor(Qt::white));
    EXPECT_NEAR(BackendPalette::contrastRatio(Qt::black, Qt::white), 21.0, 1e-9);
}

TEST(BackendPaletteTest, ColoursCycleAfterEightAndNoBackendIsGrey)
{
    for (int i = 0; i < BackendPalette::kSize; ++i)
        EXPECT_EQ(BackendPalette::colourFor(i + BackendPalette::kSize), BackendPalette::colourFor(i));
    for (int i = 0; i < BackendPalette::kSize; ++i)
        for (int j = i + 1; j < BackendPalette::kSize; ++j)
            EXPECT_NE(BackendPalette::colourFor(i), BackendPalette::colourFor(j));
    const QColor grey = BackendPalette::colourFor(-1);
    EXPECT_EQ(grey.red(), grey.green());
    EXPECT_EQ(grey.green(), grey.blue());
}
