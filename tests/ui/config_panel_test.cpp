#include "ui/config_panel.h"

#include "core/config/preset_catalog.h"
#include "core/lab/lab.h"
#include "qt_app.h"
#include "ui/lab_bridge.h"
#include "ui/main_window.h"
#include "ui/shortcut_catalog.h"

#include <QClipboard>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QTabBar>
#include <QTemporaryDir>
#include <QTextBlock>

#include <gtest/gtest.h>

using lblab::EngineKind;
using lblab::GeneratedConfig;
using lblab::LabConfig;
using lblab::Snapshot;
using lblab::ui::ConfigPanel;
using lblab::ui::MainWindow;
using lblab::test::waitUntil;

namespace {

GeneratedConfig haproxyFile()
{
    GeneratedConfig c;
    c.text = "global\n"
             "    log 127.0.0.1:5140 local0\n"
             "backend lab\n"
             "    balance roundrobin\n"
             "    cookie LBLAB_SRV insert indirect nocache\n"
             "    server s1 127.0.0.1:8001 cookie s1\n";
    c.policyLines = {4, 5};
    c.fileName = "haproxy.cfg";
    return c;
}

GeneratedConfig nginxFile()
{
    GeneratedConfig c;
    c.text = "events {}\n"
             "http {\n"
             "    upstream lab {\n"
             "        server 127.0.0.1:8001;\n"
             "    }\n"
             "}\n";
    c.policyLines = {3};
    c.fileName = "nginx.conf";
    return c;
}

/// A file as long as a real one, so it scrolls.
GeneratedConfig longFile(int lines)
{
    GeneratedConfig c;
    for (int i = 1; i <= lines; ++i)
        c.text += "    line " + std::to_string(i) + "\n";
    c.policyLines = {lines / 2};
    c.fileName = "haproxy.cfg";
    return c;
}

Snapshot snapshotWith(const std::string& policy, int weight)
{
    Snapshot s;
    s.policy = policy;
    lblab::BackendView b;
    b.name = "s1";
    b.weight = weight;
    s.servers.push_back(b);
    return s;
}

/// Writes build/test-output/panels/<name>.png for a person to look at.
void saveGrab(QWidget& widget, const QString& name, QSize size)
{
    const QString dir = QStringLiteral(LBLAB_TEST_OUTPUT_DIR) + QStringLiteral("/panels");
    QDir().mkpath(dir);
    widget.resize(size);
    widget.show();
    QApplication::processEvents();
    widget.grab().save(dir + QLatin1Char('/') + name + QStringLiteral(".png"), "PNG");
}

class ConfigPanelTest : public ::testing::Test {
protected:
    QApplication& app = lblab::test::qtApp(); // before any widget
};

} // namespace

TEST_F(ConfigPanelTest, ShowsTheRunningFileWithExactlyThePolicyLinesHighlighted)
{
    ConfigPanel panel;
    const GeneratedConfig file = haproxyFile();
    panel.setRun(EngineKind::Haproxy, "cookie-affinity", [&](EngineKind e) {
        return e == EngineKind::Haproxy ? file : GeneratedConfig{};
    });
    EXPECT_EQ(panel.text().toStdString(), file.text);
    EXPECT_EQ(panel.highlightedLines(), (QList<int>{4, 5}));
    // The highlighted blocks are the policy's lines, word for word.
    const auto selections = panel.editor()->extraSelections();
    ASSERT_EQ(selections.size(), 2);
    EXPECT_EQ(selections[0].cursor.block().text(), "    balance roundrobin");
    EXPECT_EQ(selections[1].cursor.block().text(), "    cookie LBLAB_SRV insert indirect nocache");
    EXPECT_TRUE(selections[0].format.hasProperty(QTextFormat::FullWidthSelection));
    EXPECT_EQ(panel.title(), "HAProxy configuration running now (policy cookie-affinity)");
    EXPECT_TRUE(panel.builtinNote().isEmpty()) << "an outside engine runs its own file";
    EXPECT_FALSE(panel.engineTabs()->isVisibleTo(&panel));
    EXPECT_TRUE(panel.editor()->isReadOnly());
    EXPECT_TRUE(QFontInfo(panel.editor()->font()).fixedPitch());
    EXPECT_EQ(panel.shownEngine(), EngineKind::Haproxy);
    saveGrab(panel, "config_panel_haproxy", QSize(700, 400));
}

TEST_F(ConfigPanelTest, TheHighlightIsReadableOnLightAndDarkPalettes)
{
    QPalette light;
    light.setColor(QPalette::Base, Qt::white);
    light.setColor(QPalette::Text, Qt::black);
    QPalette dark;
    dark.setColor(QPalette::Base, QColor(0x1E, 0x1E, 0x1E));
    dark.setColor(QPalette::Text, QColor(0xEE, 0xEE, 0xEE));
    for (const QPalette& p : {light, dark}) {
        const QColor background = ConfigPanel::highlightColour(p);
        EXPECT_NE(background, p.color(QPalette::Base)) << "the highlight shows";
        // The palette's own text stays readable on it: far apart in lightness.
        EXPECT_GT(std::abs(background.lightness() - p.color(QPalette::Text).lightness()), 110)
            << background.name().toStdString();
    }
    // A panel given a dark palette repaints its highlight dark.
    ConfigPanel panel;
    panel.setRun(EngineKind::Nginx, "round-robin", [](EngineKind) { return nginxFile(); });
    panel.editor()->setPalette(dark);
    panel.setPalette(dark);
    ASSERT_EQ(panel.editor()->extraSelections().size(), 1);
    EXPECT_EQ(panel.editor()->extraSelections()[0].format.background().color(), ConfigPanel::highlightColour(dark));
}

TEST_F(ConfigPanelTest, CopyPutsTheFileOnTheClipboard)
{
    ConfigPanel panel;
    panel.setRun(EngineKind::Nginx, "round-robin", [](EngineKind) { return nginxFile(); });
    QApplication::clipboard()->setText("something else");
    ASSERT_TRUE(panel.copyButton()->isEnabled());
    panel.copyButton()->click();
    EXPECT_EQ(QApplication::clipboard()->text().toStdString(), nginxFile().text);
    EXPECT_TRUE(panel.resultText().contains("nginx.conf")) << panel.resultText().toStdString();
}

TEST_F(ConfigPanelTest, SaveWritesTheFileAndAnUnwritablePathSaysWhichWithoutLosingAnything)
{
    ConfigPanel panel;
    panel.setRun(EngineKind::Haproxy, "cookie-affinity", [](EngineKind) { return haproxyFile(); });
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString path = dir.filePath("haproxy.cfg");
    QStringList reported;
    QObject::connect(&panel, &ConfigPanel::saveFinished, [&](bool, const QString& m) { reported << m; });
    QString error;
    ASSERT_TRUE(panel.saveTo(path, &error)) << error.toStdString();
    QFile saved(path);
    ASSERT_TRUE(saved.open(QIODevice::ReadOnly));
    EXPECT_EQ(saved.readAll().toStdString(), haproxyFile().text);
    saved.close();

    // Under a regular file: no one can write there, root included.
    const QString bad = path + "/inside.cfg";
    EXPECT_FALSE(panel.saveTo(bad, &error));
    EXPECT_TRUE(error.contains(bad)) << error.toStdString();
    EXPECT_TRUE(panel.resultText().contains(bad)) << panel.resultText().toStdString();
    ASSERT_EQ(reported.size(), 2);
    EXPECT_TRUE(reported[1].contains(bad));
    EXPECT_EQ(panel.text().toStdString(), haproxyFile().text) << "nothing shown is lost";
    ASSERT_TRUE(saved.open(QIODevice::ReadOnly));
    EXPECT_EQ(saved.readAll().toStdString(), haproxyFile().text) << "nothing saved is lost";
}

TEST_F(ConfigPanelTest, WithTheBuiltinEngineOffersTheSameSetupForHaproxyAndNginx)
{
    ConfigPanel panel;
    std::vector<EngineKind> asked;
    panel.setRun(EngineKind::Builtin, "round-robin", [&](EngineKind e) {
        asked.push_back(e);
        return e == EngineKind::Haproxy ? haproxyFile() : e == EngineKind::Nginx ? nginxFile() : GeneratedConfig{};
    });
    EXPECT_TRUE(panel.builtinNote().contains("The builtin proxy needs no file")) << panel.builtinNote().toStdString();
    ASSERT_EQ(panel.engineTabs()->count(), 2);
    EXPECT_EQ(panel.engineTabs()->tabText(0), "HAProxy");
    EXPECT_EQ(panel.engineTabs()->tabText(1), "NGINX");
    EXPECT_EQ(panel.shownEngine(), EngineKind::Haproxy);
    EXPECT_EQ(panel.text().toStdString(), haproxyFile().text);
    EXPECT_TRUE(panel.title().startsWith("HAProxy")) << panel.title().toStdString();
    EXPECT_TRUE(panel.title().contains("round-robin"));

    panel.engineTabs()->setCurrentIndex(1);
    EXPECT_EQ(panel.shownEngine(), EngineKind::Nginx);
    EXPECT_EQ(panel.text().toStdString(), nginxFile().text);
    EXPECT_EQ(panel.highlightedLines(), QList<int>{3});
    EXPECT_TRUE(panel.title().startsWith("NGINX")) << panel.title().toStdString();
    EXPECT_EQ(std::count(asked.begin(), asked.end(), EngineKind::Builtin), 0) << "the builtin engine has no file";
    saveGrab(panel, "config_panel_builtin", QSize(700, 400));
}

TEST_F(ConfigPanelTest, RefreshesWhenTheSetupChangesAndKeepsTheViewWhenNothingDid)
{
    ConfigPanel panel;
    int reads = 0;
    int weight = 1;
    panel.setRun(EngineKind::Haproxy, "round-robin", [&](EngineKind) {
        ++reads;
        GeneratedConfig c = longFile(200);
        c.text += "    weight " + std::to_string(weight) + "\n";
        return c;
    });
    panel.resize(600, 300);
    panel.show();
    QApplication::processEvents();
    panel.showSnapshot(snapshotWith("round-robin", 1));
    const int afterFirst = reads;
    // Scrolled and selected, then the same setup again and again: no re-read, nothing moves.
    panel.editor()->verticalScrollBar()->setValue(80);
    QTextCursor cursor(panel.editor()->document()->findBlockByNumber(90));
    cursor.movePosition(QTextCursor::EndOfBlock, QTextCursor::KeepAnchor);
    panel.editor()->setTextCursor(cursor);
    for (int i = 0; i < 20; ++i)
        panel.showSnapshot(snapshotWith("round-robin", 1));
    EXPECT_LE(reads, afterFirst + 1) << "at most one refresh a second on an unchanged setup";
    panel.refresh(); // even a refresh that finds the same text leaves the view alone
    EXPECT_EQ(panel.editor()->verticalScrollBar()->value(), 80);
    EXPECT_TRUE(panel.editor()->textCursor().hasSelection());
    EXPECT_EQ(panel.editor()->textCursor().selectedText(), "    line 91");

    // A new weight is a new setup: the file is read again at once and shows it.
    weight = 5;
    const int before = reads;
    panel.showSnapshot(snapshotWith("round-robin", 5));
    EXPECT_EQ(reads, before + 1);
    EXPECT_TRUE(panel.text().contains("weight 5"));
    EXPECT_EQ(panel.editor()->verticalScrollBar()->value(), 80) << "the place in the file is kept";
    // And a policy switch retitles it.
    panel.showSnapshot(snapshotWith("least-connections", 5));
    EXPECT_TRUE(panel.title().contains("least-connections")) << panel.title().toStdString();
}

TEST_F(ConfigPanelTest, TheWindowHasAConfigTabAfterExportThatFollowsTheRun)
{
    MainWindow window(*lblab::PresetCatalog::find("round-robin-basics"));
    window.resize(1600, 1000);
    window.show();
    auto* configDock = window.findChild<QDockWidget*>("configDock");
    auto* exportDock = window.findChild<QDockWidget*>("exportDock");
    ASSERT_NE(configDock, nullptr);
    ASSERT_NE(exportDock, nullptr);
    EXPECT_TRUE(window.tabifiedDockWidgets(exportDock).contains(configDock));
    const QList<QString> panels = lblab::ui::ShortcutCatalog::enlargeablePanels();
    ASSERT_FALSE(panels.isEmpty());
    EXPECT_EQ(panels.back(), "Config");
    EXPECT_EQ(panels[panels.size() - 2], "Export");
    window.togglePanel(static_cast<int>(panels.size()) - 1);
    EXPECT_TRUE(waitUntil([&] { return window.configPanel()->isVisible(); }, 2000)) << "its enlarge shortcut shows it";
    ASSERT_TRUE(waitUntil([&] { return window.bridge()->lab() != nullptr; }, 5000));
    window.configPanel()->refresh();
    // The builtin run: the same setup as HAProxy would run it, the policy's line highlighted.
    ASSERT_TRUE(waitUntil([&] { return window.configPanel()->text().contains("balance roundrobin"); }, 5000))
        << window.configPanel()->text().toStdString();
    EXPECT_FALSE(window.configPanel()->highlightedLines().isEmpty());
    EXPECT_FALSE(window.configPanel()->builtinNote().isEmpty());
    window.configPanel()->showEngineTab(EngineKind::Nginx);
    EXPECT_FALSE(window.configPanel()->text().contains("balance roundrobin"));
    EXPECT_TRUE(window.configPanel()->text().contains("upstream")) << window.configPanel()->text().toStdString();
    window.togglePanel(static_cast<int>(panels.size()) - 1);
    window.close();
}
