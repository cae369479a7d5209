#pragma once

#include "core/lab/snapshot.h"

#include <QString>
#include <QWidget>

#include <string>

class QLabel;
class QLineEdit;
class QPushButton;

namespace lblab::ui {

/// Export of the run (CSV) and the charts (PNG/PDF), and how to reach the balancer from outside:
/// its URL and ready-to-paste curl commands.
class ExportPanel : public QWidget {
    Q_OBJECT
public:
    /// An empty panel (no balancer URL yet).
    explicit ExportPanel(QWidget* parent = nullptr);

    /// The balancer URL shown ("" before the run starts).
    QString urlText() const;
    /// The plain curl command, e.g. "curl -i http://127.0.0.1:40123/search?loc=eu".
    QString curlCommand() const;
    /// The curl command that keeps cookies in a jar, so the balancer can recognise it.
    QString curlCookieCommand() const;
    /// The status line's text.
    QString statusText() const;
    /// True when the status line reports a failure (shown in red).
    bool statusIsError() const { return m_statusError; }

signals:
    /// The user asked to export the run as CSV into `directory`.
    void exportRunRequested(const QString& directory);
    /// The user asked to save the charts to `file` (.png or .pdf).
    void exportChartsRequested(const QString& file);

public slots:
    /// Shows the balancer URL and curl commands when they change.
    void showSnapshot(const lblab::Snapshot& snapshot);
    /// Shows how an export went; a failure is shown in red and names the path.
    void showExportResult(bool ok, const QString& message);
    /// Emits exportRunRequested(directory) as the dialog would (no dialog).
    void requestRunExport(const QString& directory);
    /// Emits exportChartsRequested(file) as the dialog would (no dialog); adds ".png" when the
    /// name has no known extension.
    void requestChartsExport(const QString& file);
    /// Copies the balancer URL to the clipboard.
    void copyUrl();

private:
    void chooseRunDirectory();
    void chooseChartsFile();
    void setStatus(const QString& text, bool error);

    QPushButton* m_exportRun = nullptr;
    QPushButton* m_exportCharts = nullptr;
    QLabel* m_status = nullptr;
    QLineEdit* m_url = nullptr;
    QPushButton* m_copyUrl = nullptr;
    QLineEdit* m_curl = nullptr;
    QLineEdit* m_curlCookies = nullptr;
    QString m_lastPath;
    std::string m_balancerUrl;
    bool m_statusError = false;
};

} // namespace lblab::ui
