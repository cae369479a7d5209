// "Let devices on this network join": the option restarts the lab on all interfaces and back, and
// the join window shows the warning, the URL and its QR code. The test dials loopback only.

#include "ui/main_window.h"

#include "core/config/preset_catalog.h"
#include "core/lab/lab.h"
#include "qt_app.h"
#include "ui/join_window.h"
#include "ui/lab_bridge.h"
#include "ui/network_join.h"
#include "ui/qr_code_widget.h"

#include <QAction>
#include <QMenu>
#include <QMenuBar>
#include <QToolButton>

#include <gtest/gtest.h>

using lblab::JoinNotice;
using lblab::LabConfig;
using lblab::RunState;
using lblab::test::waitUntil;
using lblab::ui::JoinWindow;
using lblab::ui::MainWindow;

namespace {

class NetworkJoinTest : public ::testing::Test {
protected:
    void SetUp() override { lblab::test::qtApp(); }

    static LabConfig preset()
    {
        LabConfig c = *lblab::PresetCatalog::find("round-robin-basics");
        c.requestRate = 40;
        return c;
    }

    /// The running lab listens on `address` (and its first snapshot is out).
    static bool runsOn(MainWindow& window, const std::string& address)
    {
        const lblab::Lab* lab = window.bridge()->lab();
        return lab && lab->state() == RunState::Running && window.bridge()->config().listenAddress == address &&
               window.bridge()->latest();
    }
};

TEST_F(NetworkJoinTest, TheOptionRestartsTheLabOnAllInterfacesOnTheSamePortAndBack)
{
    MainWindow window(preset());
    window.resize(1600, 1000);
    window.show();
    ASSERT_TRUE(waitUntil([&] { return runsOn(window, "127.0.0.1"); }, 5000));
    auto* join = window.networkJoin();
    QAction* action = join->action();
    EXPECT_FALSE(action->isChecked());
    EXPECT_FALSE(join->indicator()->isVisible());
    bool inFileMenu = false;
    for (QAction* menu : window.menuBar()->actions())
        if (menu->menu() && menu->menu()->actions().contains(action))
            inFileMenu = menu->text().contains(QStringLiteral("File"));
    EXPECT_TRUE(inFileMenu);
    const std::uint16_t port = window.bridge()->lab()->balancerPort();
    ASSERT_NE(port, 0);

    action->trigger();
    ASSERT_TRUE(waitUntil([&] { return runsOn(window, "0.0.0.0"); }, 5000));
    EXPECT_EQ(window.bridge()->lab()->balancerPort(), port) << "the same port, so open pages keep working";
    EXPECT_EQ(window.bridge()->balancerUrl().toStdString(), "http://127.0.0.1:" + std::to_string(port) + "/");
    const JoinNotice& notice = join->notice();
    EXPECT_TRUE(notice.open);
    const std::string where = "0.0.0.0:" + std::to_string(port);
    EXPECT_NE(notice.warning.find(where), std::string::npos) << notice.warning;
    EXPECT_TRUE(join->indicator()->isVisible());
    EXPECT_TRUE(join->indicator()->text().contains(QString::fromStdString(notice.joinUrl())));

    JoinWindow* joinWindow = join->joinWindow();
    ASSERT_TRUE(waitUntil([&] { return joinWindow->isVisible(); }, 2000)) << "it opens when the option is turned on";
    EXPECT_EQ(joinWindow->urlText().toStdString(), notice.joinUrl());
    EXPECT_TRUE(joinWindow->warningText().contains(QString::fromStdString(where)));
    if (notice.urls.empty()) { // a machine with no network: said plainly, no code to scan
        EXPECT_FALSE(joinWindow->qrCode()->isVisible());
    } else {
        EXPECT_TRUE(joinWindow->qrCode()->isVisible());
        EXPECT_EQ(joinWindow->qrCode()->text().toStdString(), notice.joinUrl());
        EXPECT_GT(joinWindow->qrCode()->moduleCount(), 0);
    }

    action->trigger();
    ASSERT_TRUE(waitUntil([&] { return runsOn(window, "127.0.0.1"); }, 5000));
    EXPECT_EQ(window.bridge()->lab()->balancerPort(), port);
    EXPECT_FALSE(join->notice().open);
    EXPECT_FALSE(join->indicator()->isVisible());
    EXPECT_FALSE(joinWindow->isVisible());
    window.close();
}

TEST_F(NetworkJoinTest, AWindowStartedOnAllInterfacesHasTheOptionOnAndShowsTheCode)
{
    LabConfig c = preset();
    c.listenAddress = "0.0.0.0";
    MainWindow window(c);
    window.resize(1600, 1000);
    window.show();
    EXPECT_TRUE(window.networkJoin()->action()->isChecked());
    ASSERT_TRUE(waitUntil([&] { return runsOn(window, "0.0.0.0"); }, 5000));
    ASSERT_TRUE(waitUntil([&] { return window.networkJoin()->joinWindow()->isVisible(); }, 2000));
    EXPECT_FALSE(window.networkJoin()->joinWindow()->warningText().isEmpty());
    // Another preset keeps the option (and the port: the code students scanned stays valid).
    const std::uint16_t port = window.bridge()->lab()->balancerPort();
    window.startConfig(*lblab::PresetCatalog::find("login-round-robin"));
    ASSERT_TRUE(waitUntil([&] {
        return runsOn(window, "0.0.0.0") && window.bridge()->config().preset == "login-round-robin";
    }, 5000));
    EXPECT_EQ(window.bridge()->lab()->balancerPort(), port);
    window.close();
}

TEST_F(NetworkJoinTest, TheJoinWindowSaysPlainlyWhenNoOtherDeviceCanJoin)
{
    JoinWindow w;
    const JoinNotice none = JoinNotice::make("0.0.0.0", 8080, {{"lo", 0x7F000001u, true, true}});
    w.showNotice(none);
    EXPECT_EQ(w.urlText(), QStringLiteral("http://127.0.0.1:8080/"));
    EXPECT_TRUE(w.warningText().contains(QStringLiteral("no network address other than loopback")));
    EXPECT_TRUE(w.qrCode()->isHidden());

    const JoinNotice room = JoinNotice::make("0.0.0.0", 8080, {{"wlan0", 0xC0A80117u, false, true}});
    w.showNotice(room);
    EXPECT_EQ(w.urlText(), QStringLiteral("http://192.168.1.23:8080/"));
    EXPECT_FALSE(w.qrCode()->isHidden());
    EXPECT_EQ(w.qrCode()->text(), QStringLiteral("http://192.168.1.23:8080/"));

    w.showNotice(JoinNotice::make("127.0.0.1", 8080, {}));
    EXPECT_TRUE(w.warningText().isEmpty());
    EXPECT_TRUE(w.qrCode()->isHidden());
}

} // namespace
