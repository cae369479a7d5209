#include "ui/controls_panel.h"

#include "core/config/session_store_choice.h"
#include "core/config/user_count.h"
#include "core/engines/engine_catalog.h"
#include "ui/elided_label.h"
#include "ui/engine_picker.h"
#include "ui/font_scale.h"
#include "ui/number_field.h"
#include "ui/pace_controls.h"
#include "ui/session_store_picker.h"
#include "ui/shortcut_catalog.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QShortcut>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QStyle>

#include <algorithm>
#include <climits>
#include <cmath>

namespace lblab::ui {

namespace {

constexpr int kIdRole = Qt::UserRole;
constexpr qint64 kPendingMs = 1500;

/// Ctrl+1..Ctrl+9 for the first nine policies (Ctrl+0 is the normal text size).
QKeySequence policyShortcut(int ordinal)
{
    return ordinal >= 0 && ordinal < 9 ? ShortcutCatalog::policy(ordinal) : QKeySequence();
}

QLabel* caption(const QString& text, QWidget* parent)
{
    auto* l = new QLabel(text, parent);
    QFont f; // bold only: the size follows the window's text size
    f.setBold(true);
    l->setFont(f);
    return l;
}

void setPendingLook(QWidget* field, bool pending)
{
    if (field->property("pending").toBool() == pending)
        return;
    field->setProperty("pending", pending);
    // A palette, not a style sheet: a style-sheeted field keeps its font when the text is scaled.
    QPalette p = field->palette();
    p.setColor(QPalette::Base, pending ? QColor(0xFF, 0xF1, 0xB8) : QApplication::palette(field).color(QPalette::Base));
    field->setPalette(p);
}

} // namespace

ControlsPanel::ControlsPanel(QWidget* parent) : QWidget(parent)
{
    m_preset = new QComboBox(this);
    m_preset->setMinimumContentsLength(28);
    m_preset->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_preset->setToolTip(tr("What to show: each preset tells one story. Picking one starts it."));

    m_modified = new ElidedLabel(this, false); // elided, not pushing the run buttons away
    m_modified->setObjectName("modifiedMark");
    m_modified->setStyleSheet(QStringLiteral(
        "#modifiedMark { background: #fff1b8; color: #4a3b00; border: 1px solid #d9b300; border-radius: 3px;"
        " padding: 1px 6px; }"));
    FontScale::setRelative(m_modified, 1.0); // style-sheeted: it would keep its first font otherwise
    m_modified->hide();
    m_backToPreset = new QPushButton(tr("Back to preset"), this);
    m_backToPreset->setToolTip(tr("Start the preset exactly as shipped (same as Reset)"));
    m_backToPreset->hide();

    m_start = new QPushButton(tr("Start"), this);
    m_start->setToolTip(tr("Start the selected preset (Space)"));
    m_pause = new QPushButton(tr("Pause"), this);
    m_pause->setToolTip(tr("Pause or resume the generated traffic (Space)"));
    m_stop = new QPushButton(tr("Stop"), this);
    m_stop->setToolTip(tr("Stop the run; what was captured stays for export"));
    m_reset = new QPushButton(tr("Reset"), this);
    m_reset->setToolTip(tr("Start the preset again exactly as shipped: your changes to policy, rate, "
                           "clients, seed and servers are dropped"));

    m_clients = new NumberField(tr("Clients"), this);
    m_clients->setRange(0, kMaxUsers);
    m_clients->setLimitReason(tr("the most a run may have; the open-files limit may allow fewer"));
    m_clients->setToolTip(tr("Generated users. Applies when the run restarts: press Enter here or Restart"));
    m_seed = new NumberField(tr("Seed"), this);
    m_seed->setRange(0, INT_MAX);
    m_seed->setToolTip(tr("The same seed replays the same workload. Applies when the run restarts: press "
                          "Enter here or Restart"));

    m_url = new QLineEdit(this);
    m_url->setReadOnly(true);
    m_url->setPlaceholderText(tr("not running"));
    m_url->setMinimumWidth(200);
    m_url->setToolTip(tr("The balancer is a real proxy: curl or a browser can use it"));
    m_copyUrl = new QPushButton(tr("Copy"), this);
    m_copyUrl->setToolTip(tr("Copy the balancer's URL"));

    m_engine = new EnginePicker(this);
    m_store = new SessionStorePicker(this);
    m_policy = new QComboBox(this);
    m_policy->setModel(new QStandardItemModel(m_policy));
    m_policy->setMinimumContentsLength(30); // the group headings must not be cut
    m_policy->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_policySummary = new ElidedLabel(this);

    m_rate = new NumberField(tr("Rate"), this);
    m_rate->setRange(1, 1'000'000); // what the command line's --rate takes
    m_rate->setSingleStep(50);
    m_rate->setSuffix(tr(" req/s"));
    m_rate->setKeyboardTracking(false);
    m_rate->setToolTip(tr("Total rate of generated requests. Applies live: on Enter, or when the field loses focus"));

    m_changeIps = new QPushButton(tr("Change client IPs now"), this);
    m_changeIps->setToolTip(tr("Move this share of the users to new source addresses, as if they switched networks"));
    m_ipFraction = new NumberField(tr("Share of users"), this);
    m_ipFraction->setRange(1, 100);
    m_ipFraction->setValue(25);
    m_ipFraction->setSuffix(tr(" %"));
    m_ipFraction->setToolTip(m_changeIps->toolTip());

    // Three rows, so the window fits a 1600x1000 projector (and down to about 1280 wide) with every
    // control whole: what runs (preset, run buttons, pace); how it is balanced (engine, sessions,
    // policy and its summary); the workload and where the balancer listens.
    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(6, 4, 6, 4);
    grid->setHorizontalSpacing(8);
    grid->setVerticalSpacing(4);
    auto* row1 = new QHBoxLayout;
    row1->addWidget(caption(tr("Preset"), this));
    row1->addWidget(m_preset, 2);
    row1->addWidget(m_modified);
    row1->addWidget(m_backToPreset);
    row1->addSpacing(6);
    row1->addWidget(m_start);
    row1->addWidget(m_pause);
    row1->addWidget(m_stop);
    row1->addWidget(m_reset);
    row1->addSpacing(12);
    m_pace = new PaceControls(this);
    row1->addWidget(m_pace);
    auto* row2 = new QHBoxLayout;
    row2->addWidget(m_engine);
    row2->addSpacing(12);
    row2->addWidget(m_store);
    row2->addSpacing(12);
    row2->addWidget(caption(tr("Policy"), this));
    row2->addWidget(m_policy);
    row2->addWidget(m_policySummary, 1); // beside the picker, with the rest of the row
    auto* row3 = new QHBoxLayout;
    row3->addWidget(caption(tr("Rate"), this));
    row3->addWidget(m_rate);
    row3->addSpacing(12);
    row3->addWidget(caption(tr("Clients"), this));
    row3->addWidget(m_clients);
    row3->addSpacing(8);
    row3->addWidget(caption(tr("Seed"), this));
    row3->addWidget(m_seed);
    row3->addSpacing(12);
    row3->addWidget(m_changeIps);
    row3->addWidget(m_ipFraction);
    row3->addSpacing(12);
    row3->addWidget(caption(tr("Balancer"), this));
    row3->addWidget(m_url, 1);
    row3->addWidget(m_copyUrl);
    grid->addLayout(row1, 0, 0);
    grid->addLayout(row2, 1, 0);
    grid->addLayout(row3, 2, 0);

    connect(m_preset, &QComboBox::currentIndexChanged, this, &ControlsPanel::onPresetChanged);
    connect(m_preset, &QComboBox::activated, this, &ControlsPanel::onPresetActivated);
    connect(m_policy, &QComboBox::currentIndexChanged, this, &ControlsPanel::onPolicyChanged);
    connect(m_engine, &EnginePicker::engineChosen, this, &ControlsPanel::onEngineChosen);
    connect(m_store, &SessionStorePicker::storeChosen, this, &ControlsPanel::onStoreChosen);
    connect(m_start, &QPushButton::clicked, this, &ControlsPanel::requestStart);
    connect(m_pause, &QPushButton::clicked, this, [this] {
        if (m_state == RunState::Paused)
            emit resumeRequested();
        else
            emit pauseRequested();
    });
    connect(m_stop, &QPushButton::clicked, this, &ControlsPanel::stopRequested);
    connect(m_reset, &QPushButton::clicked, this, &ControlsPanel::requestReset);
    connect(m_backToPreset, &QPushButton::clicked, this, &ControlsPanel::requestReset);
    connect(m_rate, &QSpinBox::valueChanged, this, [this](int rate) {
        const LabConfig* p = selected();
        m_userRate = p && std::abs(p->requestRate - rate) < 0.5 ? std::nullopt : std::optional<double>(rate);
        emit requestRateChanged(rate);
    });
    for (NumberField* field : {m_rate, m_ipFraction})
        connect(field, &NumberField::inputCorrected, this, &ControlsPanel::inputCorrected);
    for (NumberField* field : {m_clients, m_seed}) {
        connect(field, &QSpinBox::valueChanged, this, &ControlsPanel::updatePending);
        connect(field, &NumberField::inputCorrected, this, &ControlsPanel::inputCorrected);
        // Enter applies the field, as it does for the rate; for these that means a restart.
        connect(field, &NumberField::returnPressed, this, [this] {
            if (!pendingRestart().isEmpty())
                requestStart();
        });
    }
    connect(m_changeIps, &QPushButton::clicked, this,
            [this] { emit changeIpsRequested(m_ipFraction->value() / 100.0); });
    connect(m_copyUrl, &QPushButton::clicked, this, [this] {
        if (!m_url->text().isEmpty())
            QApplication::clipboard()->setText(m_url->text());
    });
    installShortcuts();
    updateRunButtons();
}

void ControlsPanel::installShortcuts()
{
    auto* space = new QShortcut(QKeySequence(Qt::Key_Space), this);
    space->setContext(Qt::WindowShortcut);
    connect(space, &QShortcut::activated, this, &ControlsPanel::toggleRun);
    for (int ordinal = 0; ordinal < 9; ++ordinal) {
        auto* s = new QShortcut(policyShortcut(ordinal), this);
        s->setContext(Qt::WindowShortcut);
        connect(s, &QShortcut::activated, this, [this, ordinal] {
            if (ordinal < static_cast<int>(m_policies.size()))
                choosePolicy(QString::fromStdString(m_policies[static_cast<std::size_t>(ordinal)].id));
        });
    }
    auto* up = new QShortcut(QKeySequence(Qt::ALT | Qt::Key_Up), this);
    up->setContext(Qt::WindowShortcut);
    connect(up, &QShortcut::activated, this, [this] { cyclePolicy(-1); });
    auto* down = new QShortcut(QKeySequence(Qt::ALT | Qt::Key_Down), this);
    down->setContext(Qt::WindowShortcut);
    connect(down, &QShortcut::activated, this, [this] { cyclePolicy(+1); });
    m_policy->setToolTip(tr("How the balancer picks a server. Ctrl+1..Ctrl+9 pick one; "
                            "Alt+Up / Alt+Down step through them. Switching is live."));
}

const LabConfig* ControlsPanel::selected() const
{
    const int index = m_preset->currentIndex();
    return index >= 0 && index < static_cast<int>(m_presets.size()) ? &m_presets[static_cast<std::size_t>(index)]
                                                                       : nullptr;
}

void ControlsPanel::setPresets(const std::vector<LabConfig>& presets)
{
    m_presets = presets;
    const QSignalBlocker block(m_preset);
    m_preset->clear();
    for (const LabConfig& p : m_presets) {
        const QString title = p.title.empty() ? QString::fromStdString(p.preset) : QString::fromStdString(p.title);
        m_preset->addItem(title, QString::fromStdString(p.preset));
        m_preset->setItemData(m_preset->count() - 1,
                              QString::fromStdString(p.preset + ": " + p.whatItShows), Qt::ToolTipRole);
    }
    if (!m_presets.empty())
        onPresetChanged(0);
}

void ControlsPanel::setPolicies(const std::vector<PolicyDescriptor>& policies)
{
    // Stateless first, then stateful, each under a disabled header row.
    m_policies.clear();
    for (bool stateful : {false, true})
        for (const PolicyDescriptor& d : policies)
            if (d.stateful == stateful)
                m_policies.push_back(d);

    auto* model = static_cast<QStandardItemModel*>(m_policy->model());
    const QSignalBlocker block(m_policy);
    model->clear();
    bool headerDone[2] = {false, false};
    for (std::size_t ordinal = 0; ordinal < m_policies.size(); ++ordinal) {
        const PolicyDescriptor& d = m_policies[ordinal];
        if (!headerDone[d.stateful]) {
            headerDone[d.stateful] = true;
            auto* header = new QStandardItem(d.stateful ? tr("Stateful (keeps a session table)")
                                                        : tr("Stateless (no table)"));
            header->setFlags(Qt::NoItemFlags);
            model->appendRow(header);
        }
        auto* item = new QStandardItem(QStringLiteral("   ") + QString::fromStdString(d.name));
        item->setData(QString::fromStdString(d.id), kIdRole);
        const QKeySequence key = policyShortcut(static_cast<int>(ordinal));
        QString tip = QString::fromStdString(d.id + ": " + d.summary);
        if (!key.isEmpty())
            tip += QStringLiteral(" (%1)").arg(key.toString(QKeySequence::NativeText));
        item->setToolTip(tip);
        model->appendRow(item);
    }
    EnginePicker::markSupportedPolicies(m_policy, m_engine->engine(), kIdRole);
    fitPolicyPopup();
    m_policy->setCurrentIndex(-1);
    const LabConfig* p = selected();
    const QString wanted = QString::fromStdString(m_userPolicy ? *m_userPolicy : p ? p->policy : std::string());
    if (policyRow(wanted) >= 0)
        m_policy->setCurrentIndex(policyRow(wanted));
    else if (!m_policies.empty())
        m_policy->setCurrentIndex(policyRow(QString::fromStdString(m_policies.front().id)));
    const QSignalBlocker self(this); // filling the picker is not a user command
    onPolicyChanged(m_policy->currentIndex());
}

void ControlsPanel::fitPolicyPopup()
{
    // Headings in bold at the current size, and a list wide enough for its longest line, so
    // "Stateful (keeps a session table)" is never cut, whatever the text size.
    auto* model = static_cast<QStandardItemModel*>(m_policy->model());
    QFont bold = font();
    bold.setBold(true);
    int widest = 0;
    for (int row = 0; row < model->rowCount(); ++row) {
        QStandardItem* item = model->item(row);
        const bool heading = item->data(kIdRole).toString().isEmpty(); // a greyed-out policy is no heading
        if (heading)
            item->setFont(bold);
        widest = std::max(widest, QFontMetrics(heading ? bold : font()).horizontalAdvance(item->text()));
    }
    m_policy->view()->setMinimumWidth(widest + 4 * style()->pixelMetric(QStyle::PM_ScrollBarExtent));
}

void ControlsPanel::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        fitPolicyPopup();
}

int ControlsPanel::policyRow(const QString& id) const
{
    for (int row = 0; row < m_policy->count(); ++row)
        if (m_policy->itemData(row, kIdRole).toString() == id)
            return row;
    return -1;
}

QString ControlsPanel::currentPolicy() const { return m_policy->currentData(kIdRole).toString(); }

QStringList ControlsPanel::policyIds() const
{
    QStringList ids;
    for (const PolicyDescriptor& d : m_policies)
        ids << QString::fromStdString(d.id);
    return ids;
}

QString ControlsPanel::policySummaryText() const { return m_policySummary->text(); }

void ControlsPanel::choosePolicy(const QString& id)
{
    const int row = policyRow(id);
    const auto* model = static_cast<const QStandardItemModel*>(m_policy->model());
    if (row >= 0 && !model->item(row)->isEnabled())
        return; // greyed out: the engine cannot run it
    if (row >= 0 && row != m_policy->currentIndex())
        m_policy->setCurrentIndex(row); // emits policyRequested through onPolicyChanged
}

void ControlsPanel::cyclePolicy(int step)
{
    if (m_policies.empty())
        return;
    const QStringList ids = policyIds();
    const int n = static_cast<int>(ids.size());
    int at = static_cast<int>(ids.indexOf(currentPolicy()));
    // Past the policies the engine cannot run, to the next one it can.
    for (int tries = 0; tries < n; ++tries) {
        at = at < 0 ? 0 : ((at + step) % n + n) % n;
        if (EngineCatalog::support(m_engine->engine(), ids[at].toStdString()).supported)
            break;
    }
    choosePolicy(ids[at]);
}

EngineKind ControlsPanel::currentEngine() const { return m_engine->engine(); }

void ControlsPanel::showEngine(EngineKind engine)
{
    m_engine->setEngine(engine);
    EnginePicker::markSupportedPolicies(m_policy, engine, kIdRole);
}

void ControlsPanel::setEngine(EngineKind engine)
{
    const LabConfig* p = selected();
    m_userEngine = p && p->engine == engine ? std::nullopt : std::optional(engine);
    showEngine(engine);
}

void ControlsPanel::onEngineChosen(EngineKind engine)
{
    setEngine(engine);
    const LabConfig* p = selected();
    const QString policy = currentPolicy();
    if (const EngineSupport support = EngineCatalog::support(engine, policy.toStdString());
        !policy.isEmpty() && !support.supported) {
        const QString fallback = QStringLiteral("round-robin");
        {
            // Not a live switch: the restart below starts with it.
            const QSignalBlocker block(m_policy);
            m_policy->setCurrentIndex(policyRow(fallback));
            const QSignalBlocker self(this);
            onPolicyChanged(m_policy->currentIndex());
        }
        m_userPolicy = p && p->policy == fallback.toStdString() ? std::nullopt : std::optional(fallback.toStdString());
        m_pendingPolicy.clear();
        emit policyFellBack(tr("%1 cannot run %2 (%3): the run restarts with round robin")
                                .arg(QString::fromStdString(std::string(EngineCatalog::displayName(engine))), policy,
                                     QString::fromStdString(support.reason)));
    }
    requestStart();
}

SessionStoreKind ControlsPanel::currentSessionStore() const { return m_store->store(); }

void ControlsPanel::onStoreChosen(SessionStoreKind store)
{
    // The user's choice, kept by Restart as the engine is; choosing the preset's own store is no change.
    const LabConfig* p = selected();
    m_userStore = p && p->sessionStore == store ? std::nullopt : std::optional(store);
    requestStart();
}

void ControlsPanel::onPolicyChanged(int index)
{
    const QString id = m_policy->itemData(index, kIdRole).toString();
    if (id.isEmpty()) {
        m_policySummary->clear();
        return;
    }
    for (const PolicyDescriptor& d : m_policies) {
        if (QString::fromStdString(d.id) != id)
            continue;
        m_policySummary->setText(QStringLiteral("%1 — %2").arg(
            d.stateful ? tr("stateful") : tr("stateless"), QString::fromStdString(d.summary)));
        m_policySummary->setToolTip(m_policy->itemData(index, Qt::ToolTipRole).toString());
    }
    if (!signalsBlocked()) {
        // The user's choice: it survives a Restart; choosing the preset's own policy is no change.
        const LabConfig* p = selected();
        m_userPolicy = p && p->policy == id.toStdString() ? std::nullopt : std::optional(id.toStdString());
        m_pendingPolicy = id;
        m_pendingSince.start();
        emit policyRequested(id);
    }
}

void ControlsPanel::loadPreset(int index)
{
    if (index < 0 || index >= static_cast<int>(m_presets.size()))
        return;
    const LabConfig& p = m_presets[static_cast<std::size_t>(index)];
    m_userPolicy.reset();
    m_userRate.reset();
    m_userEngine.reset();
    m_userStore.reset();
    m_pendingPolicy.clear();
    showEngine(p.engine);
    m_store->setStore(p.sessionStore);
    {
        // Loading a preset's values is not a user command: nothing is emitted for them.
        const QSignalBlocker b1(m_rate), b2(m_clients), b3(m_seed), b4(m_policy);
        m_rate->setValue(static_cast<int>(std::lround(p.requestRate)));
        m_clients->setValue(totalUsers(p));
        m_seed->setValue(static_cast<int>(std::min<std::uint64_t>(p.seed, INT_MAX)));
        const int row = policyRow(QString::fromStdString(p.policy));
        if (row >= 0)
            m_policy->setCurrentIndex(row);
    }
    // Refresh the summary without asking the running lab to switch.
    {
        const QSignalBlocker self(this);
        onPolicyChanged(m_policy->currentIndex());
    }
    m_preset->setToolTip(QString::fromStdString(p.whatItShows));
    updatePending();
    emit presetSelected(p);
}

void ControlsPanel::onPresetChanged(int index) { loadPreset(index); }

void ControlsPanel::onPresetActivated(int index)
{
    // The user picked a preset (even the one already selected): it runs whole, as shipped.
    loadPreset(index);
    requestStart();
}

bool ControlsPanel::selectPreset(const QString& name)
{
    const int i = m_preset->findData(name);
    if (i < 0)
        return false;
    if (i == m_preset->currentIndex())
        loadPreset(i);
    else
        m_preset->setCurrentIndex(i);
    return true;
}

void ControlsPanel::applyUserValues(const LabConfig& config)
{
    const LabConfig* p = selected();
    if (!p)
        return;
    const QSignalBlocker b1(m_rate), b2(m_clients), b3(m_seed);
    if (config.engine != p->engine) {
        m_userEngine = config.engine;
        showEngine(config.engine);
    }
    if (config.sessionStore != p->sessionStore) {
        m_userStore = config.sessionStore;
        m_store->setStore(config.sessionStore);
    }
    if (config.policy != p->policy && policyRow(QString::fromStdString(config.policy)) >= 0) {
        const QSignalBlocker b4(m_policy);
        m_policy->setCurrentIndex(policyRow(QString::fromStdString(config.policy)));
        m_userPolicy = config.policy;
        const QSignalBlocker self(this);
        onPolicyChanged(m_policy->currentIndex());
    }
    if (std::abs(config.requestRate - p->requestRate) >= 0.5) {
        m_rate->setValue(static_cast<int>(std::lround(config.requestRate)));
        m_userRate = config.requestRate;
    }
    m_clients->setValue(totalUsers(config));
    m_seed->setValue(static_cast<int>(std::min<std::uint64_t>(config.seed, INT_MAX)));
    updatePending();
}

LabConfig ControlsPanel::presetConfig() const
{
    const LabConfig* p = selected();
    return p ? *p : LabConfig{};
}

LabConfig ControlsPanel::currentConfig() const
{
    LabConfig config = presetConfig();
    config.seed = static_cast<std::uint64_t>(m_seed->value());
    config.policyOptions.seed = config.seed;
    scaleUsers(config, m_clients->value());
    if (m_userPolicy)
        config.policy = *m_userPolicy;
    if (m_userRate)
        config.requestRate = *m_userRate;
    if (m_userEngine)
        config.engine = *m_userEngine;
    if (m_userStore)
        chooseSessionStore(config, *m_userStore);
    return config;
}

void ControlsPanel::requestStart()
{
    // A number still being typed counts, as it would after Enter.
    m_clients->commitTyped();
    m_seed->commitTyped();
    const LabConfig config = currentConfig();
    m_appliedClients = totalUsers(config);
    m_appliedSeed = static_cast<int>(std::min<std::uint64_t>(config.seed, INT_MAX));
    updatePending();
    emit startRequested(config);
}

void ControlsPanel::requestReset()
{
    const int index = m_preset->currentIndex();
    loadPreset(index);
    const LabConfig config = presetConfig();
    m_appliedClients = totalUsers(config);
    m_appliedSeed = m_seed->value();
    updatePending();
    emit resetRequested(config);
}

void ControlsPanel::showModified(const QStringList& changes)
{
    const QString text = changes.isEmpty() ? QString() : tr("modified: %1").arg(changes.join(QStringLiteral(", ")));
    if (m_modified->text() != text) {
        m_modified->setText(text); // elided when the row is short: the tooltip keeps it whole
        m_modified->setToolTip(tr("%1\nWhat this run changes from the preset as shipped; Restart keeps it").arg(text));
    }
    m_modified->setVisible(!changes.isEmpty());
    m_backToPreset->setVisible(!changes.isEmpty());
}

QString ControlsPanel::modifiedText() const { return m_modified->isVisibleTo(this) ? m_modified->text() : QString(); }

QStringList ControlsPanel::pendingRestart() const
{
    QStringList pending;
    const bool active = m_state == RunState::Running || m_state == RunState::Paused;
    if (!active || m_appliedClients < 0)
        return pending;
    if (m_clients->value() != m_appliedClients)
        pending << QStringLiteral("clients");
    if (m_seed->value() != m_appliedSeed)
        pending << QStringLiteral("seed");
    return pending;
}

void ControlsPanel::updatePending()
{
    const QStringList pending = pendingRestart();
    setPendingLook(m_clients, pending.contains(QStringLiteral("clients")));
    setPendingLook(m_seed, pending.contains(QStringLiteral("seed")));
    updateRunButtons();
}

void ControlsPanel::toggleRun()
{
    switch (m_state) {
    case RunState::Running: emit pauseRequested(); break;
    case RunState::Paused: emit resumeRequested(); break;
    case RunState::Idle:
    case RunState::Stopped: requestStart(); break;
    }
}

void ControlsPanel::updateRunButtons()
{
    const bool active = m_state == RunState::Running || m_state == RunState::Paused;
    const QStringList pending = pendingRestart();
    m_start->setText(!active ? tr("Start") : pending.isEmpty() ? tr("Restart") : tr("Restart to apply"));
    QFont f; // bold only, so the size follows the window's text size
    f.setBold(!pending.isEmpty());
    m_start->setFont(f);
    m_start->setToolTip(pending.isEmpty() ? tr("Start the selected preset with your changes (Space when stopped)")
                                          : tr("Restart the run so that %1 take effect").arg(pending.join(tr(" and "))));
    m_pause->setEnabled(active);
    m_pause->setText(m_state == RunState::Paused ? tr("Resume") : tr("Pause"));
    m_stop->setEnabled(active);
    m_changeIps->setEnabled(active);
}

void ControlsPanel::showSnapshot(const Snapshot& snapshot)
{
    m_pace->showSnapshot(snapshot);
    if (snapshot.state != m_state) {
        m_state = snapshot.state;
        updatePending();
    }
    const QString url = QString::fromStdString(snapshot.balancerUrl);
    if (m_url->text() != url)
        m_url->setText(url);
    // Follow what the run does (a timeline's switches), but only for the preset the run is: another
    // preset loaded into the controls keeps its own values until it starts.
    const LabConfig* p = selected();
    if (p && !snapshot.preset.empty() && snapshot.preset != p->preset)
        return;
    const QString policy = QString::fromStdString(snapshot.policy);
    // A switch takes a frame or two to reach the core: don't snap the picker back meanwhile.
    if (!m_pendingPolicy.isEmpty() && (policy == m_pendingPolicy || m_pendingSince.elapsed() > kPendingMs))
        m_pendingPolicy.clear();
    if (m_pendingPolicy.isEmpty() && !policy.isEmpty() && policy != currentPolicy() && !m_policy->view()->isVisible()) {
        const int row = policyRow(policy);
        if (row >= 0) {
            const QSignalBlocker block(this);
            m_policy->setCurrentIndex(row);
        }
    }
    if (!m_rate->hasFocus() && snapshot.requestRate > 0 && std::abs(m_rate->value() - snapshot.requestRate) >= 0.5) {
        const QSignalBlocker block(m_rate);
        m_rate->setValue(static_cast<int>(std::lround(snapshot.requestRate)));
    }
}

} // namespace lblab::ui
