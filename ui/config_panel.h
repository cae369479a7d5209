#pragma once

#include "core/engines/engine_kind.h"
#include "core/engines/generated_config.h"
#include "core/lab/snapshot.h"

#include <QElapsedTimer>
#include <QList>
#include <QString>
#include <QWidget>

#include <functional>
#include <string>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTabBar;

namespace lblab::ui {

/// The configuration file a real balancer runs for this setup, as a lesson: the generated HAProxy or
/// NGINX file in monospace with the lines that implement the policy highlighted, a title saying which
/// engine and policy it is, and Copy and Save buttons. With an outside engine it is that engine's
/// running file; with the builtin proxy, what the same setup would be in HAProxy and in NGINX (a tab
/// for each), to take to a real deployment. It refreshes when the setup changes (policy, servers, their
/// weights and states) and at most once a second otherwise, and only while it is on screen; an
/// unchanged text is left alone, so scrolling and selection stay.
class ConfigPanel : public QWidget {
    Q_OBJECT
public:
    /// Where the files come from: the file an engine runs or would run (Lab::engineConfiguration).
    using Source = std::function<lblab::GeneratedConfig(lblab::EngineKind)>;

    /// An empty panel ("no run yet").
    explicit ConfigPanel(QWidget* parent = nullptr);

    /// Follows a new run: `running` balances it under `policyId`, `source` gives the files. Refreshes now.
    void setRun(lblab::EngineKind running, const QString& policyId, Source source);
    /// Reads the file again now (it is replaced only if its text or highlighted lines changed).
    void refresh();

    /// The engine whose file is shown (the running one, or the tab chosen under the builtin engine).
    lblab::EngineKind shownEngine() const;
    /// Shows `engine`'s file under the builtin engine (HAProxy or NGINX); ignored otherwise.
    void showEngineTab(lblab::EngineKind engine);
    /// The file's text as shown.
    QString text() const;
    /// The title line, e.g. "HAProxy configuration running now (policy cookie-affinity)".
    QString title() const;
    /// The line over the tabs under the builtin engine ("" when hidden).
    QString builtinNote() const;
    /// 1-based numbers of the highlighted lines, read back from the editor's extra selections.
    QList<int> highlightedLines() const;
    /// The background of a highlighted line for `palette` (pale amber on light, dark amber on dark).
    static QColor highlightColour(const QPalette& palette);

    /// Puts the file on the clipboard; false if there is none.
    bool copyToClipboard();
    /// Writes the file to `path` (whole, or not at all); on failure `error` (if given) gets a line
    /// naming the path. The panel shows the outcome either way.
    bool saveTo(const QString& path, QString* error = nullptr);

    /// Widgets, for tests.
    QPlainTextEdit* editor() const { return m_editor; }
    QTabBar* engineTabs() const { return m_tabs; }
    QPushButton* copyButton() const { return m_copy; }
    QPushButton* saveButton() const { return m_save; }
    /// The outcome of the last Copy or Save ("" before any).
    QString resultText() const;

public slots:
    /// Refreshes if the snapshot's setup (policy, servers, weights, states) changed, or a second passed.
    void showSnapshot(const lblab::Snapshot& snapshot);

signals:
    /// A Save ended; `message` names the file, or the path and the failure.
    void saveFinished(bool ok, QString message);

protected:
    void showEvent(QShowEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void chooseSaveFile();
    void display(const lblab::GeneratedConfig& config);
    void highlight();
    void updateTitle();
    void showResult(const QString& text, bool error);

    Source m_source;
    lblab::EngineKind m_running = lblab::EngineKind::Builtin;
    QString m_policy;
    std::string m_setupKey;       ///< what the last refresh saw of the setup
    bool m_stale = false;         ///< a refresh is due when the panel is next on screen
    bool m_showPolicyLines = true; ///< the next new file opens at its policy lines (a new run or tab)
    bool m_centreOnShow = false;   ///< opened while hidden: centre the policy lines once there is a viewport
    QElapsedTimer m_sinceRefresh;
    QString m_text;
    std::vector<int> m_lines;
    std::string m_fileName;

    QLabel* m_note;
    QTabBar* m_tabs;
    QLabel* m_title;
    QPlainTextEdit* m_editor;
    QPushButton* m_copy;
    QPushButton* m_save;
    QLabel* m_result;
};

} // namespace lblab::ui
