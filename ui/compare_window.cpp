#include "ui/compare_window.h"

#include "core/policies/policy_catalog.h"
#include "ui/assignment_map.h"
#include "ui/lab_bridge.h"
#include "ui/outcome_table.h"
#include "ui/screen_fit.h"

#include <QCloseEvent>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QScreen>
#include <QShowEvent>
#include <QSignalBlocker>
#include <QSplitter>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace lblab::ui {

namespace {

QString policyName(const QString& id)
{
    const PolicyDescriptor* d = PolicyCatalog::find(id.toStdString());
    return d ? QString::fromStdString(d->name) : id;
}

// The outcome table's measures (requests … max/mean); the per-server rows below them scroll.
constexpr int kMeasureRows = 12;
// On a short screen (1366x768 less a panel and a title bar, large text) the table may shrink to its
// first measures, requests to miss rate, and scroll; the maps keep their least size.
constexpr int kLeastRows = 5;

QFont scaled(QFont f, double factor, bool bold)
{
    f.setPointSizeF(f.pointSizeF() * factor);
    f.setBold(bold);
    return f;
}

} // namespace

CompareWindow::CompareWindow(const LabConfig& config, const QString& policyA, const QString& policyB, QWidget* parent)
    : QWidget(parent, Qt::Window), m_config(config), m_policies{policyA, policyB}
{
    m_skippedSwitches = std::any_of(config.timeline.begin(), config.timeline.end(), [](const TimelineStep& s) {
        return s.action == TimelineStep::Action::SwitchPolicy;
    });

    m_heading = new QLabel(this);
    m_heading->setFont(scaled(font(), 1.3, true));
    m_heading->setText(QString::fromStdString(config.title.empty() ? config.preset : config.title));
    m_heading->setToolTip(QString::fromStdString(config.whatItShows));
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_start = new QPushButton(tr("Start both"), this);
    m_stop = new QPushButton(tr("Stop both"), this);
    auto* top = new QHBoxLayout;
    top->addWidget(m_heading);
    top->addStretch(1);
    top->addWidget(m_status);
    top->addWidget(m_start);
    top->addWidget(m_stop);

    auto* mapsRow = new QWidget(this);
    auto* mapsLayout = new QHBoxLayout(mapsRow);
    mapsLayout->setContentsMargins(0, 0, 0, 0);
    mapsLayout->setSpacing(12);
    for (int side = 0; side < 2; ++side) {
        auto* bridge = new LabBridge(this);
        auto* map = new AssignmentMap(mapsRow);
        auto* title = new QLabel(mapsRow);
        title->setFont(scaled(font(), 1.2, true));
        auto* picker = new QComboBox(mapsRow);
        picker->setToolTip(tr("Policy of this side; changing it restarts both labs from the start"));
        for (const PolicyDescriptor& d : PolicyCatalog::all()) {
            picker->addItem(QString::fromStdString(d.name) + (d.stateful ? tr("  (stateful)") : QString()),
                            QString::fromStdString(d.id));
        }
        picker->setCurrentIndex(std::max(0, picker->findData(m_policies[static_cast<std::size_t>(side)])));
        connect(picker, &QComboBox::currentIndexChanged, this, [this, side, picker](int) {
            std::array<QString, 2> next = m_policies;
            next[static_cast<std::size_t>(side)] = picker->currentData().toString();
            setPolicies(next[0], next[1]);
        });
        auto* heading = new QHBoxLayout;
        heading->addWidget(title, 1);
        heading->addWidget(picker);
        auto* column = new QVBoxLayout;
        column->addLayout(heading);
        column->addWidget(map, 1);
        mapsLayout->addLayout(column, 1);

        connect(bridge, &LabBridge::snapshotReady, this,
                [this, side](std::shared_ptr<const Snapshot> s) { onSnapshot(side, std::move(s)); });
        connect(bridge, &LabBridge::errorOccurred, this, [this, side](const QString& message) {
            m_lastError = (side == 0 ? tr("A: %1") : tr("B: %1")).arg(message);
            m_status->setText(m_lastError);
            updateButtons();
        });
        const auto i = static_cast<std::size_t>(side);
        m_bridges[i] = bridge;
        m_maps[i] = map;
        m_titles[i] = title;
        m_pickers[i] = picker;
    }

    m_table = new OutcomeTable(this);
    // The maps get the room; the table scrolls if the window is short.
    m_mapsRow = mapsRow;
    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->addWidget(mapsRow);
    m_splitter->addWidget(m_table);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setChildrenCollapsible(false);
    m_table->setMinimumHeight(tableHeight(kLeastRows));

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_splitter, 1);

    connect(m_start, &QPushButton::clicked, this, &CompareWindow::start);
    connect(m_stop, &QPushButton::clicked, this, &CompareWindow::stop);
    updateTitles();
    updateButtons();
    resize(1500, 1000);
}

CompareWindow::~CompareWindow()
{
    for (LabBridge* b : m_bridges)
        b->stop();
}

LabConfig CompareWindow::configFor(int side) const
{
    LabConfig c = m_config;
    c.policy = m_policies[static_cast<std::size_t>(side == 0 ? 0 : 1)].toStdString();
    // Two labs cannot share a fixed address; the same seed keeps their workloads identical.
    c.listenPort = 0;
    std::erase_if(c.timeline, [](const TimelineStep& s) { return s.action == TimelineStep::Action::SwitchPolicy; });
    return c;
}

void CompareWindow::start()
{
    m_started = true;
    m_lastError.clear();
    m_latest = {};
    for (int side = 0; side < 2; ++side)
        m_bridges[static_cast<std::size_t>(side)]->startPreset(configFor(side));
    if (m_lastError.isEmpty())
        m_status->setText(m_skippedSwitches ? tr("The timeline's policy switches are left out: each side keeps its policy.")
                                            : QString());
    m_table->showSnapshots(nullptr, nullptr);
    updateButtons();
}

void CompareWindow::stop()
{
    for (LabBridge* b : m_bridges)
        b->stop();
    updateButtons();
}

void CompareWindow::setPolicies(const QString& policyA, const QString& policyB)
{
    const bool restart = m_bridges[0]->isActive() || m_bridges[1]->isActive();
    m_policies = {policyA, policyB};
    for (std::size_t i = 0; i < 2; ++i) {
        const QSignalBlocker block(m_pickers[i]);
        m_pickers[i]->setCurrentIndex(std::max(0, m_pickers[i]->findData(m_policies[i])));
    }
    updateTitles();
    if (restart)
        start();
}

void CompareWindow::onSnapshot(int side, std::shared_ptr<const Snapshot> snapshot)
{
    const auto i = static_cast<std::size_t>(side);
    m_latest[i] = snapshot;
    m_maps[i]->showSharedSnapshot(snapshot);
    m_table->showSnapshots(m_latest[0].get(), m_latest[1].get());
    updateButtons();
}

void CompareWindow::updateTitles()
{
    const QString a = policyName(m_policies[0]), b = policyName(m_policies[1]);
    m_titles[0]->setText(tr("A: %1").arg(a));
    m_titles[1]->setText(tr("B: %1").arg(b));
    m_table->setPolicies(a, b);
    setWindowTitle(tr("LB Lab: %1 vs. %2").arg(a, b));
}

void CompareWindow::updateButtons()
{
    const bool active = m_bridges[0]->isActive() || m_bridges[1]->isActive();
    m_start->setText(active ? tr("Restart both") : tr("Start both"));
    m_stop->setEnabled(active);
}

int CompareWindow::tableHeight(int rows) const
{
    const int row = m_table->rowCount() > 0 ? m_table->rowHeight(0) : m_table->verticalHeader()->defaultSectionSize();
    return m_table->horizontalHeader()->sizeHint().height() + rows * row + 2 * m_table->frameWidth();
}

void CompareWindow::fitTo(const QRect& available)
{
    ScreenFit::fit(this, available);
    splitHeight();
}

void CompareWindow::splitHeight()
{
    // The maps' size hints would claim nearly all the height. The table gets its share (the
    // splitter's 2 of 5), and at least its measures (the per-server rows may scroll) where the maps
    // keep their least size beside them, else less.
    if (QLayout* l = layout())
        l->activate(); // the splitter's height in the size just fitted
    const int total = m_splitter->height() - m_splitter->handleWidth();
    const int least = m_table->minimumHeight();
    const int table = std::clamp(std::max(tableHeight(kMeasureRows), total * 2 / 5), least,
                                 std::max(least, total - m_mapsRow->minimumSizeHint().height()));
    m_splitter->setSizes({total - table, table});
}

void CompareWindow::showEvent(QShowEvent* event)
{
    // 1500x1000 where the screen has room; a classroom's 1280x800 or 1366x768 projector gets the
    // room it has, so the buttons and the outcome table stay on screen.
    if (!event->spontaneous())
        fitTo(screen() ? screen()->availableGeometry() : QRect());
    QWidget::showEvent(event);
    if (!m_started) {
        m_started = true;
        // After the first paint, so starting two labs never delays the window appearing.
        QTimer::singleShot(0, this, &CompareWindow::start);
    }
}

void CompareWindow::closeEvent(QCloseEvent* event)
{
    stop();
    QWidget::closeEvent(event);
}

} // namespace lblab::ui
