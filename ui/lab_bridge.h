#pragma once

#include "core/config/lab_config.h"
#include "core/lab/snapshot.h"

#include <QObject>
#include <QString>
#include <QTimer>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>

namespace lblab {
class Lab;
}

namespace lblab::ui {

/// The one bridge between the core and Qt. It owns the Lab, forwards commands (which the Lab posts
/// to its own threads) and, on a 33 ms frame timer, hands the panels the latest snapshot once per
/// new publication. Nothing per request crosses it, and the GUI thread never waits on the core,
/// except for stop(), which is cancellation plus a join. The builtin proxy starts in a few
/// milliseconds on the calling thread; an outside engine (HAProxy, NGINX: its checker, then the
/// program awaited on its socket, 0.1-1 s) starts on a worker, and the lab is handed over when ready.
class LabBridge : public QObject {
    Q_OBJECT
public:
    /// Frame period of the snapshot timer.
    static constexpr int kFrameMs = 33;

    /// An idle bridge; nothing runs until startPreset().
    explicit LabBridge(QObject* parent = nullptr);
    /// Stops the lab and waits for a running export.
    ~LabBridge() override;

    /// The running (or last stopped) lab, or nullptr.
    Lab* lab() const { return m_lab.get(); }
    /// The configuration of the current (or last) run.
    const LabConfig& config() const { return m_config; }
    /// The last snapshot handed out (null before the first).
    std::shared_ptr<const Snapshot> latest() const { return m_latest; }
    /// The balancer's URL, "" when no lab runs.
    QString balancerUrl() const;
    /// Running or paused.
    bool isActive() const;
    /// An export is writing files on its worker.
    bool isExporting() const { return m_exporting.load(); }
    /// An outside engine is starting on its worker (lab() is null meanwhile).
    bool isStarting() const { return m_starting; }

public slots:
    /// Stops the old lab, makes a new one for `config` and starts it; errors go to errorOccurred.
    /// With an outside engine the start completes later (labStarted or errorOccurred); a start asked
    /// for meanwhile follows it.
    void startPreset(const lblab::LabConfig& config);
    /// Pauses the generated traffic.
    void pause();
    /// Resumes the generated traffic.
    void resume();
    /// pause() or resume().
    void setPaused(bool paused);
    /// Stops the lab (its captured data stays readable, e.g. for export).
    void stop();
    /// Starts the current configuration again from scratch.
    void reset();

    /// Switches the policy live.
    void setPolicy(const QString& id);
    /// Kills a backend.
    void killServer(const QString& name);
    /// Restarts a killed backend.
    void restoreServer(const QString& name);
    /// Kills the shared session store (Redis): every session in it is lost. The lab logs it (or, when
    /// the sessions are not in Redis, an error saying there is nothing to kill).
    void killStore();
    /// Starts the shared session store again, empty.
    void restoreStore();
    /// Drains or undrains a backend.
    void setDraining(const QString& name, bool draining);
    /// Changes a backend's weight.
    void setWeight(const QString& name, int weight);
    /// Adds a backend like the others.
    void addServer();
    /// Removes a backend.
    void removeServer(const QString& name);
    /// Changes the total generated request rate.
    void setRequestRate(double perSecond);
    /// Slow motion: the generated users at `factor` (0.1..1) of their pace.
    void setSpeed(double factor);
    /// Step mode on or off (off: requests flow again).
    void setStepping(bool on);
    /// Lets exactly one generated request through (entering step mode).
    void step();
    /// Moves `fraction` (0..1] of the users to new addresses now.
    void changeClientIps(double fraction);
    /// Writes events.csv, servers.csv, changes.csv and run.json into `directory` on a worker thread.
    void exportRun(const QString& directory);

    /// Takes the lab's latest snapshot and emits it if it is new (the frame timer calls this).
    void pollSnapshot();

signals:
    /// A new snapshot, at most once per frame.
    void snapshotReady(std::shared_ptr<const lblab::Snapshot> snapshot);
    /// A lab started; `url` is its balancer's address.
    void labStarted(QString url);
    /// Something the user asked for failed (one line).
    void errorOccurred(QString message);
    /// An outside engine could not run `config` (program missing, configuration refused, no start):
    /// `message` names the engine and the problem (errorOccurred says it too).
    void engineFailed(lblab::LabConfig config, QString message);
    /// An export ended; `message` names the directory or the failure.
    void exportFinished(bool ok, QString message);

private:
    /// What the start worker leaves for the GUI thread (read after joining it).
    struct StartResult {
        std::unique_ptr<Lab> lab;
        std::string error;
        bool engineError = false;
    };

    void joinExport();
    void joinStart();
    void startOnWorker(std::unique_ptr<Lab> lab);
    void finishStart();
    void adoptStartedLab(std::unique_ptr<Lab> lab);

    std::unique_ptr<Lab> m_lab;
    LabConfig m_config;
    QTimer m_frameTimer;
    std::uint64_t m_lastSequence = 0;
    bool m_haveSequence = false;
    std::shared_ptr<const Snapshot> m_latest;
    std::thread m_exportThread;
    std::atomic<bool> m_exporting{false};
    std::thread m_startThread;
    StartResult m_startResult;            ///< written by the start worker, read after joining it
    bool m_starting = false;
    bool m_discardStart = false;          ///< stop() came while starting: the started lab is stopped
    std::optional<LabConfig> m_nextStart; ///< asked for while starting: runs after it
};

} // namespace lblab::ui
