#include "ui/lab_bridge.h"

#include "core/engines/engine_error.h"
#include "core/lab/descriptor_budget.h"
#include "core/lab/lab.h"

#include <QMetaObject>

#include <exception>
#include <filesystem>
#include <utility>

namespace lblab::ui {

LabBridge::LabBridge(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<std::shared_ptr<const lblab::Snapshot>>("std::shared_ptr<const lblab::Snapshot>");
    m_frameTimer.setInterval(kFrameMs);
    m_frameTimer.setTimerType(Qt::CoarseTimer);
    connect(&m_frameTimer, &QTimer::timeout, this, &LabBridge::pollSnapshot);
}

LabBridge::~LabBridge()
{
    m_frameTimer.stop();
    joinStart(); // a lab it started is stopped with m_startResult
    joinExport();
    if (m_lab)
        m_lab->stop();
}

QString LabBridge::balancerUrl() const
{
    return m_lab ? QString::fromStdString(m_lab->balancerUrl()) : QString();
}

bool LabBridge::isActive() const
{
    if (!m_lab)
        return false;
    const RunState s = m_lab->state();
    return s == RunState::Running || s == RunState::Paused;
}

void LabBridge::joinExport()
{
    // The export reads the lab's capture, so the lab must outlive it.
    if (m_exportThread.joinable())
        m_exportThread.join();
}

void LabBridge::joinStart()
{
    if (m_startThread.joinable())
        m_startThread.join();
}

void LabBridge::startPreset(const LabConfig& config)
{
    // A run that cannot fit is refused before the current one stops: nothing captured is lost.
    if (const std::string shortfall = descriptorShortfall(config); !shortfall.empty()) {
        emit errorOccurred(QString::fromStdString(shortfall));
        return;
    }
    if (m_starting) {
        // The GUI thread does not wait for the start under way: this one follows it.
        m_nextStart = config;
        m_discardStart = true;
        return;
    }
    m_frameTimer.stop();
    joinExport();
    if (m_lab) {
        m_lab->stop();
        m_lab.reset();
    }
    m_config = config;
    m_haveSequence = false;
    std::unique_ptr<Lab> lab;
    try {
        lab = std::make_unique<Lab>(config);
        if (config.engine != EngineKind::Builtin || config.sessionStore == SessionStoreKind::Shared) {
            startOnWorker(std::move(lab));
            return;
        }
        lab->start();
    } catch (const std::exception& e) {
        emit errorOccurred(QString::fromStdString(e.what()));
        return;
    }
    adoptStartedLab(std::move(lab));
}

void LabBridge::startOnWorker(std::unique_ptr<Lab> lab)
{
    joinStart();
    m_starting = true;
    m_discardStart = false;
    m_startResult = {};
    m_startThread = std::thread([this, lab = std::move(lab)]() mutable {
        StartResult result;
        try {
            lab->start();
            result.lab = std::move(lab);
        } catch (const EngineError& e) {
            result.error = e.what();
            result.engineError = true;
        } catch (const std::exception& e) {
            result.error = e.what();
        }
        m_startResult = std::move(result); // read by finishStart after joining this thread
        // Queued to the bridge's thread; if the bridge is gone first (it joins us) nothing arrives.
        QMetaObject::invokeMethod(this, &LabBridge::finishStart, Qt::QueuedConnection);
    });
}

void LabBridge::finishStart()
{
    joinStart();
    m_starting = false;
    StartResult result = std::move(m_startResult);
    m_startResult = {};
    if (m_discardStart) {
        m_discardStart = false;
        if (result.lab)
            result.lab->stop();
        if (std::optional<LabConfig> next = std::exchange(m_nextStart, std::nullopt))
            startPreset(*next);
        return;
    }
    if (!result.lab) {
        const QString message = QString::fromStdString(result.error);
        emit errorOccurred(message);
        if (result.engineError)
            emit engineFailed(m_config, message);
        return;
    }
    // Commands given while it started (a policy or rate from the controls) apply now.
    if (result.lab->config().policy != m_config.policy)
        result.lab->setPolicy(m_config.policy);
    if (result.lab->config().requestRate != m_config.requestRate)
        result.lab->setRequestRate(m_config.requestRate);
    adoptStartedLab(std::move(result.lab));
}

void LabBridge::adoptStartedLab(std::unique_ptr<Lab> lab)
{
    m_lab = std::move(lab);
    m_frameTimer.start();
    emit labStarted(balancerUrl());
    pollSnapshot();
}

void LabBridge::pause() { setPaused(true); }

void LabBridge::resume() { setPaused(false); }

void LabBridge::setPaused(bool paused)
{
    if (m_lab)
        m_lab->setPaused(paused);
}

void LabBridge::stop()
{
    if (m_starting) {
        // What is starting is stopped as soon as it is up; nothing follows it.
        m_discardStart = true;
        m_nextStart.reset();
    }
    if (!m_lab)
        return;
    m_lab->stop();
    // One last frame so the panels show the final state; then nothing changes any more.
    pollSnapshot();
    m_frameTimer.stop();
}

void LabBridge::reset() { startPreset(m_config); }

void LabBridge::setPolicy(const QString& id)
{
    if (m_lab)
        m_lab->setPolicy(id.toStdString());
    m_config.policy = id.toStdString();
}

void LabBridge::killServer(const QString& name)
{
    if (m_lab)
        m_lab->killBackend(name.toStdString());
}

void LabBridge::restoreServer(const QString& name)
{
    if (m_lab)
        m_lab->restoreBackend(name.toStdString());
}

void LabBridge::killStore()
{
    if (m_lab)
        m_lab->killStore(); // posted to the lab's control thread: the GUI does not wait for Redis
}

void LabBridge::restoreStore()
{
    if (m_lab)
        m_lab->restoreStore();
}

void LabBridge::setDraining(const QString& name, bool draining)
{
    if (m_lab)
        m_lab->setDraining(name.toStdString(), draining);
}

void LabBridge::setWeight(const QString& name, int weight)
{
    if (m_lab)
        m_lab->setWeight(name.toStdString(), weight);
}

void LabBridge::addServer()
{
    if (!m_lab)
        return;
    try {
        m_lab->addBackend();
    } catch (const std::exception& e) {
        emit errorOccurred(QString::fromStdString(e.what()));
    }
}

void LabBridge::removeServer(const QString& name)
{
    if (m_lab)
        m_lab->removeBackend(name.toStdString());
}

void LabBridge::setSpeed(double factor)
{
    if (m_lab)
        m_lab->setSpeed(factor);
}

void LabBridge::setStepping(bool on)
{
    if (m_lab)
        m_lab->setStepping(on);
}

void LabBridge::step()
{
    if (m_lab)
        m_lab->step();
}

void LabBridge::setRequestRate(double perSecond)
{
    if (m_lab)
        m_lab->setRequestRate(perSecond);
    m_config.requestRate = perSecond;
}

void LabBridge::changeClientIps(double fraction)
{
    if (m_lab)
        m_lab->changeClientIps(fraction);
}

void LabBridge::exportRun(const QString& directory)
{
    if (!m_lab) {
        emit exportFinished(false, tr("Nothing to export: no run yet."));
        return;
    }
    if (m_exporting.load()) {
        emit exportFinished(false, tr("An export is already running."));
        return;
    }
    joinExport();
    m_exporting = true;
    const Lab* lab = m_lab.get();
    const std::filesystem::path dir = directory.toStdString();
    m_exportThread = std::thread([this, lab, dir, directory] {
        bool ok = true;
        QString message;
        try {
            lab->exportRun(dir);
            message = tr("Exported events.csv, servers.csv, changes.csv and run.json to %1").arg(directory);
        } catch (const std::exception& e) {
            ok = false;
            message = QString::fromStdString(e.what());
        }
        m_exporting = false;
        // Queued to the bridge's thread; if the bridge is gone (it joins us first) nothing is delivered.
        QMetaObject::invokeMethod(this, [this, ok, message] { emit exportFinished(ok, message); },
                                  Qt::QueuedConnection);
    });
}

void LabBridge::pollSnapshot()
{
    if (!m_lab)
        return;
    std::shared_ptr<const Snapshot> snapshot = m_lab->snapshot();
    if (!snapshot)
        return;
    if (m_haveSequence && snapshot->sequence == m_lastSequence)
        return;
    m_haveSequence = true;
    m_lastSequence = snapshot->sequence;
    m_latest = snapshot;
    emit snapshotReady(std::move(snapshot));
}

} // namespace lblab::ui
