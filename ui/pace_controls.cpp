#include "ui/pace_controls.h"

#include "ui/shortcut_catalog.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QShortcut>
#include <QSignalBlocker>

#include <cmath>

namespace lblab::ui {

PaceControls::PaceControls(QWidget* parent) : QWidget(parent)
{
    m_speed = new QComboBox(this);
    m_speed->addItem(tr("1/10"), 0.1);
    m_speed->addItem(tr("1/4"), 0.25);
    m_speed->addItem(tr("1/2"), 0.5);
    m_speed->addItem(tr("1×"), 1.0);
    m_speed->setCurrentIndex(3);
    m_speed->setToolTip(tr("Slow motion: the generated users arrive at this share of the rate, and the flow view "
                           "draws their requests as much slower"));
    m_step = new QPushButton(tr("Step"), this);
    m_step->setToolTip(tr("Let exactly one request through and show why it went where it went (%1)")
                           .arg(ShortcutCatalog::step().toString(QKeySequence::NativeText)));
    m_run = new QPushButton(tr("Run"), this);
    m_run->setToolTip(tr("Leave step mode: requests flow again (%1)")
                          .arg(ShortcutCatalog::run().toString(QKeySequence::NativeText)));
    m_run->setEnabled(false);

    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(6);
    auto* caption = new QLabel(tr("Speed"), this);
    caption->setBuddy(m_speed);
    row->addWidget(caption);
    row->addWidget(m_speed);
    row->addWidget(m_step);
    row->addWidget(m_run);

    connect(m_speed, &QComboBox::activated, this, [this](int index) { emit speedChosen(m_speed->itemData(index).toDouble()); });
    connect(m_step, &QPushButton::clicked, this, &PaceControls::stepRequested);
    connect(m_run, &QPushButton::clicked, this, &PaceControls::runRequested);
    auto* stepKey = new QShortcut(ShortcutCatalog::step(), this);
    stepKey->setContext(Qt::WindowShortcut);
    connect(stepKey, &QShortcut::activated, this, [this] {
        if (m_step->isEnabled())
            emit stepRequested();
    });
    auto* runKey = new QShortcut(ShortcutCatalog::run(), this);
    runKey->setContext(Qt::WindowShortcut);
    connect(runKey, &QShortcut::activated, this, [this] {
        if (m_stepping)
            emit runRequested();
    });
}

double PaceControls::speed() const { return m_speed->currentData().toDouble(); }

int PaceControls::indexFor(double factor) const
{
    int best = 0;
    for (int i = 1; i < m_speed->count(); ++i)
        if (std::abs(m_speed->itemData(i).toDouble() - factor) < std::abs(m_speed->itemData(best).toDouble() - factor))
            best = i;
    return best;
}

void PaceControls::chooseSpeed(double factor)
{
    const int best = indexFor(factor);
    m_speed->setCurrentIndex(best);
    emit speedChosen(m_speed->itemData(best).toDouble());
}

void PaceControls::showSnapshot(const Snapshot& snapshot)
{
    const bool active = snapshot.state == RunState::Running || snapshot.state == RunState::Paused;
    m_stepping = active && snapshot.stepping;
    m_step->setEnabled(active);
    m_run->setEnabled(m_stepping);
    QFont f; // bold only, so the size follows the window's text size
    f.setBold(m_stepping);
    m_run->setFont(f);
    if (!m_speed->view()->isVisible()) {
        if (const int best = indexFor(snapshot.speed); best != m_speed->currentIndex()) {
            const QSignalBlocker block(m_speed);
            m_speed->setCurrentIndex(best);
        }
    }
}

} // namespace lblab::ui
