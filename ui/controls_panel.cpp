#include "ui/controls_panel.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QShortcut>
#include <QSpinBox>
#include <QStandardItemModel>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace lblab::ui {

namespace {

constexpr int kIdRole = Qt::UserRole;
constexpr qint64 kPendingMs = 1500;

/// Ctrl+1..Ctrl+9 then Ctrl+0 for the first ten policies.
QKeySequence policyShortcut(int ordinal)
{
    if (ordinal < 0 || ordinal > 9)
        return {};
    const int digit = ordinal == 9 ? 0 : ordinal + 1;
    return QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_0 + digit));
}

QLabel* caption(const QString& text, QWidget* parent)
{
    auto* l = new QLabel(text, parent);
    QFont f = l->font();
    f.setBold(true);
    l->setFont(f);
    return l;
}

} // namespace

ControlsPanel::ControlsPanel(QWidget* parent) : QWidget(parent)
{
    m_preset = new QComboBox(this);
    m_preset->setMinimumContentsLength(28);
    m_preset->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_preset->setToolTip(tr("What to show: each preset tells one story"));

    m_start = new QPushButton(tr("Start"), this);
    m_start->setToolTip(tr("Start the selected preset (Space)"));
    m_pause = new QPushButton(tr("Pause"), this);
    m_pause->setToolTip(tr("Pause or resume the generated traffic (Space)"));
    m_stop = new QPushButton(tr("Stop"), this);
    m_stop->setToolTip(tr("Stop the run; what was captured stays for export"));
    m_reset = new QPushButton(tr("Reset"), this);
    m_reset->setToolTip(tr("Start again from scratch with the client count and seed below"));

    m_clients = new QSpinBox(this);
    m_clients->setRange(1, 2000);
    m_clients->setToolTip(tr("Generated users (applied on Start or Reset)"));
    m_seed = new QSpinBox(this);
    m_seed->setRange(0, 999999);
    m_seed->setToolTip(tr("The same seed replays the same workload (applied on Start or Reset)"));

    m_url = new QLineEdit(this);
    m_url->setReadOnly(true);
    m_url->setPlaceholderText(tr("not running"));
    m_url->setMinimumWidth(220);
    m_url->setToolTip(tr("The balancer is a real proxy: curl or a browser can use it"));
    m_copyUrl = new QPushButton(tr("Copy"), this);
    m_copyUrl->setToolTip(tr("Copy the balancer's URL"));

    m_policy = new QComboBox(this);
    m_policy->setModel(new QStandardItemModel(m_policy));
    m_policy->setMinimumContentsLength(22);
    m_policy->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_policySummary = new QLabel(this);
    m_policySummary->setWordWrap(true);
    m_policySummary->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);

    m_rate = new QDoubleSpinBox(this);
    m_rate->setRange(1, 20000);
    m_rate->setDecimals(0);
    m_rate->setSingleStep(50);
    m_rate->setSuffix(tr(" req/s"));
    m_rate->setKeyboardTracking(false);
    m_rate->setToolTip(tr("Total rate of generated requests (applies live)"));

    m_changeIps = new QPushButton(tr("Change client IPs now"), this);
    m_changeIps->setToolTip(tr("Move this share of the users to new source addresses, as if they switched networks"));
    m_ipFraction = new QSpinBox(this);
    m_ipFraction->setRange(1, 100);
    m_ipFraction->setValue(25);
    m_ipFraction->setSuffix(tr(" %"));
    m_ipFraction->setToolTip(m_changeIps->toolTip());

    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(6, 4, 6, 4);
    grid->setHorizontalSpacing(8);
    auto* row1 = new QHBoxLayout;
    row1->addWidget(caption(tr("Preset"), this));
    row1->addWidget(m_preset, 2);
    row1->addWidget(m_start);
    row1->addWidget(m_pause);
    row1->addWidget(m_stop);
    row1->addWidget(m_reset);
    row1->addSpacing(12);
    row1->addWidget(caption(tr("Clients"), this));
    row1->addWidget(m_clients);
    row1->addSpacing(8);
    row1->addWidget(caption(tr("Seed"), this));
    row1->addWidget(m_seed);
    row1->addSpacing(12);
    row1->addWidget(caption(tr("Balancer"), this));
    row1->addWidget(m_url, 1);
    row1->addWidget(m_copyUrl);
    auto* row2 = new QHBoxLayout;
    row2->addWidget(caption(tr("Policy"), this));
    row2->addWidget(m_policy);
    row2->addStretch(1);
    row2->addWidget(caption(tr("Rate"), this));
    row2->addWidget(m_rate);
    row2->addSpacing(12);
    row2->addWidget(m_changeIps);
    row2->addWidget(m_ipFraction);
    grid->addLayout(row1, 0, 0);
    grid->addLayout(row2, 1, 0);
    // Its own full-width row, so a long summary wraps instead of being clipped.
    grid->addWidget(m_policySummary, 2, 0);

    connect(m_preset, &QComboBox::currentIndexChanged, this, &ControlsPanel::onPresetChanged);
    connect(m_policy, &QComboBox::currentIndexChanged, this, &ControlsPanel::onPolicyChanged);
    connect(m_start, &QPushButton::clicked, this, [this] { emit startRequested(currentConfig()); });
    connect(m_pause, &QPushButton::clicked, this, [this] {
        if (m_state == RunState::Paused)
            emit resumeRequested();
        else
            emit pauseRequested();
    });
    connect(m_stop, &QPushButton::clicked, this, &ControlsPanel::stopRequested);
    connect(m_reset, &QPushButton::clicked, this, [this] { emit resetRequested(currentConfig()); });
    connect(m_rate, &QDoubleSpinBox::valueChanged, this, &ControlsPanel::requestRateChanged);
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
    for (int ordinal = 0; ordinal < 10; ++ordinal) {
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
    m_policy->setToolTip(tr("How the balancer picks a backend. Ctrl+1..Ctrl+9, Ctrl+0 pick one; "
                            "Alt+Up / Alt+Down step through them. Switching is live."));
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
            QFont f = m_policy->font();
            f.setBold(true);
            header->setFont(f);
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
    m_policy->setCurrentIndex(-1);
    if (!m_presets.empty() && m_preset->currentIndex() >= 0)
        choosePolicy(QString::fromStdString(m_presets[static_cast<std::size_t>(m_preset->currentIndex())].policy));
    else if (!m_policies.empty())
        m_policy->setCurrentIndex(policyRow(QString::fromStdString(m_policies.front().id)));
    const QSignalBlocker self(this); // filling the picker is not a user command
    onPolicyChanged(m_policy->currentIndex());
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
    at = at < 0 ? 0 : ((at + step) % n + n) % n;
    choosePolicy(ids[at]);
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
        m_pendingPolicy = id;
        m_pendingSince.start();
        emit policyRequested(id);
    }
}

void ControlsPanel::onPresetChanged(int index)
{
    if (index < 0 || index >= static_cast<int>(m_presets.size()))
        return;
    const LabConfig& p = m_presets[static_cast<std::size_t>(index)];
    int clients = 0;
    for (const ClientGroupSpec& g : p.clients)
        clients += g.count;
    {
        // Loading a preset's values is not a user command: nothing is emitted for them.
        const QSignalBlocker b1(m_rate), b2(m_clients), b3(m_seed), b4(m_policy);
        m_rate->setValue(p.requestRate);
        m_clients->setValue(std::max(1, clients));
        m_seed->setValue(static_cast<int>(p.seed));
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
    emit presetSelected(p);
}

bool ControlsPanel::selectPreset(const QString& name)
{
    const int i = m_preset->findData(name);
    if (i < 0)
        return false;
    if (i == m_preset->currentIndex())
        onPresetChanged(i);
    else
        m_preset->setCurrentIndex(i);
    return true;
}

void ControlsPanel::scaleClients(LabConfig& config, int total)
{
    const int current = std::accumulate(config.clients.begin(), config.clients.end(), 0,
                                        [](int sum, const ClientGroupSpec& g) { return sum + g.count; });
    if (config.clients.empty() || current <= 0 || total == current || total <= 0)
        return;
    int assigned = 0;
    for (std::size_t i = 0; i < config.clients.size(); ++i) {
        ClientGroupSpec& g = config.clients[i];
        if (i + 1 == config.clients.size()) {
            g.count = std::max(0, total - assigned);
        } else {
            g.count = static_cast<int>(std::lround(static_cast<double>(g.count) * total / current));
            g.count = std::min(g.count, total - assigned);
        }
        assigned += g.count;
    }
}

LabConfig ControlsPanel::currentConfig() const
{
    const int index = m_preset->currentIndex();
    LabConfig config = index >= 0 && index < static_cast<int>(m_presets.size())
        ? m_presets[static_cast<std::size_t>(index)]
        : LabConfig{};
    config.seed = static_cast<std::uint64_t>(m_seed->value());
    config.policyOptions.seed = config.seed;
    scaleClients(config, m_clients->value());
    if (!currentPolicy().isEmpty())
        config.policy = currentPolicy().toStdString();
    config.requestRate = m_rate->value();
    return config;
}

void ControlsPanel::toggleRun()
{
    switch (m_state) {
    case RunState::Running: emit pauseRequested(); break;
    case RunState::Paused: emit resumeRequested(); break;
    case RunState::Idle:
    case RunState::Stopped: emit startRequested(currentConfig()); break;
    }
}

void ControlsPanel::updateRunButtons()
{
    const bool active = m_state == RunState::Running || m_state == RunState::Paused;
    m_start->setText(active ? tr("Restart") : tr("Start"));
    m_pause->setEnabled(active);
    m_pause->setText(m_state == RunState::Paused ? tr("Resume") : tr("Pause"));
    m_stop->setEnabled(active);
    m_changeIps->setEnabled(active);
}

void ControlsPanel::showSnapshot(const Snapshot& snapshot)
{
    if (snapshot.state != m_state) {
        m_state = snapshot.state;
        updateRunButtons();
    }
    const QString url = QString::fromStdString(snapshot.balancerUrl);
    if (m_url->text() != url)
        m_url->setText(url);
    // Follow switches the user did not make here (timelines), unless the picker is in use.
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
        m_rate->setValue(snapshot.requestRate);
    }
}

} // namespace lblab::ui
