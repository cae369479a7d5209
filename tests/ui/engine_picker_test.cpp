#include "ui/engine_picker.h"

#include "core/config/preset_catalog.h"
#include "core/engines/engine_catalog.h"
#include "core/lab/lab.h"
#include "core/policies/policy_catalog.h"
#include "qt_app.h"
#include "ui/controls_panel.h"
#include "ui/explain_panel.h"
#include "ui/lab_bridge.h"
#include "ui/main_window.h"
#include "ui/status_line.h"

#include <QComboBox>
#include <QStandardItemModel>

#include <gtest/gtest.h>

#include <cstdlib>

using lblab::EngineKind;
using lblab::LabConfig;
using lblab::ui::ControlsPanel;
using lblab::ui::EnginePicker;
using lblab::ui::MainWindow;
using lblab::test::waitUntil;

namespace {

const QStringList kNginxCannot = {"cookie-affinity", "source-ip-affinity", "session-affinity", "url-param-affinity"};

std::vector<LabConfig> presets()
{
    LabConfig a;
    a.preset = "basics";
    a.title = "Basics";
    a.policy = "round-robin";
    a.requestRate = 300;
    a.clients = {lblab::ClientGroupSpec{}};
    a.clients[0].count = 20;
    LabConfig b = a;
    b.preset = "sticky";
    b.title = "Sticky";
    b.policy = "cookie-affinity";
    return {a, b};
}

QStandardItem* policyItem(const ControlsPanel& panel, const QString& id)
{
    auto* model = qobject_cast<QStandardItemModel*>(panel.policyCombo()->model());
    for (int row = 0; row < model->rowCount(); ++row)
        if (model->item(row)->data(Qt::UserRole).toString() == id)
            return model->item(row);
    return nullptr;
}

class EnginePickerTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        panel.setPresets(presets());
        panel.setPolicies(lblab::PolicyCatalog::all());
    }
    QApplication& app = lblab::test::qtApp(); // before any widget
    ControlsPanel panel;
};

/// Makes LBLAB_HAPROXY name a program that is not there, for one test.
class MissingHaproxy {
public:
    MissingHaproxy() { ::setenv("LBLAB_HAPROXY", "/nonexistent/haproxy", 1); }
    ~MissingHaproxy() { ::unsetenv("LBLAB_HAPROXY"); }
};

} // namespace

TEST_F(EnginePickerTest, ListsTheThreeEnginesBuiltinFirst)
{
    EnginePicker picker;
    ASSERT_EQ(picker.combo()->count(), 3);
    EXPECT_EQ(picker.combo()->itemText(0), "Builtin");
    EXPECT_EQ(picker.combo()->itemText(1), "HAProxy");
    EXPECT_EQ(picker.combo()->itemText(2), "NGINX");
    EXPECT_EQ(picker.engine(), EngineKind::Builtin);
    std::vector<EngineKind> chosen;
    QObject::connect(&picker, &EnginePicker::engineChosen, [&](EngineKind e) { chosen.push_back(e); });
    picker.setEngine(EngineKind::Nginx);
    EXPECT_EQ(picker.engine(), EngineKind::Nginx);
    EXPECT_TRUE(chosen.empty()) << "showing an engine asks for nothing";
    picker.choose(EngineKind::Haproxy);
    EXPECT_EQ(chosen, std::vector<EngineKind>{EngineKind::Haproxy});
}

TEST_F(EnginePickerTest, TheControlsShowThePickerBeforeThePolicy)
{
    ASSERT_NE(panel.enginePicker(), nullptr);
    panel.resize(1500, 80);
    panel.show();
    QApplication::processEvents();
    const QPoint engineAt = panel.enginePicker()->mapTo(&panel, QPoint(0, 0));
    const QPoint policyAt = panel.policyCombo()->mapTo(&panel, QPoint(0, 0));
    EXPECT_LT(engineAt.x(), policyAt.x());
    EXPECT_NEAR(engineAt.y(), policyAt.y(), panel.policyCombo()->height()) << "on the policy's row";
}

TEST_F(EnginePickerTest, ChoosingNginxGreysOutThePoliciesItCannotRunWithTheReason)
{
    std::vector<LabConfig> starts;
    QObject::connect(&panel, &ControlsPanel::startRequested, [&](const LabConfig& c) { starts.push_back(c); });
    panel.enginePicker()->choose(EngineKind::Nginx);

    for (const QString& id : kNginxCannot) {
        QStandardItem* item = policyItem(panel, id);
        ASSERT_NE(item, nullptr) << id.toStdString();
        EXPECT_FALSE(item->isEnabled()) << id.toStdString();
        EXPECT_TRUE(item->text().contains(QString::fromStdString(lblab::PolicyCatalog::find(id.toStdString())->name)))
            << "greyed out, still listed: " << id.toStdString();
        EXPECT_EQ(item->toolTip(),
                  QString::fromStdString(lblab::EngineCatalog::support(EngineKind::Nginx, id.toStdString()).reason));
    }
    EXPECT_TRUE(policyItem(panel, "cookie-affinity")->toolTip().contains("NGINX open source has no sticky cookie"));
    for (const QString& id : {QStringLiteral("round-robin"), QStringLiteral("ip-hash"), QStringLiteral("least-connections")}) {
        EXPECT_TRUE(policyItem(panel, id)->isEnabled()) << id.toStdString();
        EXPECT_FALSE(policyItem(panel, id)->toolTip().contains("NGINX")) << id.toStdString();
    }
    ASSERT_EQ(starts.size(), 1u) << "choosing an engine restarts the run";
    EXPECT_EQ(starts[0].engine, EngineKind::Nginx);
    EXPECT_EQ(panel.currentConfig().engine, EngineKind::Nginx);

    // A greyed-out policy cannot be picked by its shortcut, and stepping goes past it.
    panel.choosePolicy("cookie-affinity");
    EXPECT_EQ(panel.currentPolicy(), "round-robin");
    panel.choosePolicy("consistent-hash");
    panel.cyclePolicy(+1);
    EXPECT_TRUE(lblab::EngineCatalog::support(EngineKind::Nginx, panel.currentPolicy().toStdString()).supported)
        << panel.currentPolicy().toStdString();

    // Back to HAProxy: every policy again, with its own tooltip.
    panel.enginePicker()->choose(EngineKind::Haproxy);
    for (const QString& id : kNginxCannot) {
        EXPECT_TRUE(policyItem(panel, id)->isEnabled()) << id.toStdString();
        EXPECT_TRUE(policyItem(panel, id)->toolTip().startsWith(id + ":")) << policyItem(panel, id)->toolTip().toStdString();
    }
}

TEST_F(EnginePickerTest, AnEngineWithoutThePolicyRestartsUnderRoundRobinAndSaysSo)
{
    ASSERT_TRUE(panel.selectPreset("sticky"));
    ASSERT_EQ(panel.currentPolicy(), "cookie-affinity");
    QStringList fellBack;
    std::vector<LabConfig> starts;
    QStringList livePolicies;
    QObject::connect(&panel, &ControlsPanel::policyFellBack, [&](const QString& m) { fellBack << m; });
    QObject::connect(&panel, &ControlsPanel::startRequested, [&](const LabConfig& c) { starts.push_back(c); });
    QObject::connect(&panel, &ControlsPanel::policyRequested, [&](const QString& id) { livePolicies << id; });
    panel.enginePicker()->choose(EngineKind::Nginx);
    ASSERT_EQ(fellBack.size(), 1);
    EXPECT_TRUE(fellBack[0].contains("NGINX")) << fellBack[0].toStdString();
    EXPECT_TRUE(fellBack[0].contains("cookie-affinity")) << fellBack[0].toStdString();
    EXPECT_TRUE(fellBack[0].contains("round robin")) << fellBack[0].toStdString();
    ASSERT_EQ(starts.size(), 1u);
    EXPECT_EQ(starts[0].policy, "round-robin");
    EXPECT_EQ(starts[0].engine, EngineKind::Nginx);
    EXPECT_EQ(panel.currentPolicy(), "round-robin");
    EXPECT_TRUE(livePolicies.isEmpty()) << "the restart carries the policy; no live switch is asked for";

    // Loading the preset again brings its own engine and policy back.
    panel.selectPreset("sticky");
    EXPECT_EQ(panel.currentEngine(), EngineKind::Builtin);
    EXPECT_EQ(panel.currentPolicy(), "cookie-affinity");
    EXPECT_TRUE(policyItem(panel, "cookie-affinity")->isEnabled());
}

TEST_F(EnginePickerTest, AWindowOpenedWithAnEngineShowsItAsTheUsersChange)
{
    LabConfig config = *lblab::PresetCatalog::find("round-robin-basics");
    config.engine = EngineKind::Haproxy;
    MainWindow window(config, /*autoStart=*/false);
    EXPECT_EQ(window.controls()->currentEngine(), EngineKind::Haproxy);
    EXPECT_EQ(window.controls()->enginePicker()->combo()->currentText(), "HAProxy");
    EXPECT_EQ(window.currentSetup().engine, EngineKind::Haproxy);
    EXPECT_TRUE(window.setupChanges().contains("engine")) << window.setupChanges().join(",").toStdString();
    EXPECT_TRUE(window.controls()->modifiedText().contains("engine")) << window.controls()->modifiedText().toStdString();
}

TEST_F(EnginePickerTest, AnEngineThatCannotStartFallsBackToTheBuiltinProxyAndSaysWhy)
{
    const MissingHaproxy missing;
    LabConfig config = *lblab::PresetCatalog::find("round-robin-basics");
    config.engine = EngineKind::Haproxy;
    MainWindow window(config);
    window.resize(1600, 1000);
    window.show();
    // The window goes on with the builtin proxy, the picker says so, and the event log says why.
    ASSERT_TRUE(waitUntil([&] { return window.bridge()->lab() && window.bridge()->latest()
                                       && window.bridge()->latest()->totals.requests > 5; }, 8000))
        << window.lastError().toStdString();
    EXPECT_EQ(window.bridge()->lab()->config().engine, EngineKind::Builtin);
    EXPECT_EQ(window.controls()->currentEngine(), EngineKind::Builtin);
    ASSERT_TRUE(waitUntil([&] {
        for (const lblab::LabEvent& e : window.bridge()->latest()->log)
            if (e.detail.find("HAProxy") != std::string::npos && e.detail.find("/nonexistent/haproxy") != std::string::npos)
                return true;
        return false;
    }, 3000)) << "the event log names the engine and the problem";
    EXPECT_TRUE(window.statusLine()->message().contains("HAProxy could not start"))
        << window.statusLine()->message().toStdString();
    window.close();
}

TEST_F(EnginePickerTest, ExplainAddsTheEnginesNoteUnderThePolicy)
{
    const QString builtin = lblab::ui::ExplainPanel::describePolicy("ip-hash", EngineKind::Builtin);
    const QString nginx = lblab::ui::ExplainPanel::describePolicy("ip-hash", EngineKind::Nginx);
    EXPECT_FALSE(builtin.contains("In NGINX"));
    EXPECT_TRUE(nginx.startsWith(builtin)) << "the note comes under the policy's own explanation";
    EXPECT_TRUE(nginx.contains("In NGINX:")) << nginx.toStdString();
    EXPECT_TRUE(nginx.contains("first three octets")) << nginx.toStdString();
    EXPECT_TRUE(nginx.contains("<code>hash $remote_addr</code>")) << nginx.toStdString();

    lblab::ui::ExplainPanel panel;
    lblab::Snapshot s;
    s.policy = "ip-hash";
    panel.showSnapshot(s);
    EXPECT_FALSE(panel.policyText().contains("In NGINX"));
    panel.setEngine(EngineKind::Nginx);
    EXPECT_TRUE(panel.policyText().contains("first three octets"));
    panel.setEngine(EngineKind::Builtin);
    EXPECT_FALSE(panel.policyText().contains("In NGINX"));
}
