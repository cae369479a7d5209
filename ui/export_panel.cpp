#include "ui/export_panel.h"

#include <QClipboard>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QGridLayout>
#include <QGroupBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace lblab::ui {

namespace {

QLineEdit* makeCommandLine(QWidget* parent)
{
    auto* line = new QLineEdit(parent);
    line->setReadOnly(true);
    // Only the family is set, so the size still follows the window's text size.
    QFont mono;
    mono.setFamilies(QFontDatabase::systemFont(QFontDatabase::FixedFont).families());
    mono.setStyleHint(QFont::Monospace);
    line->setFont(mono);
    return line;
}

QPushButton* makeCopyButton(QWidget* parent, QLineEdit* source)
{
    auto* button = new QPushButton(QObject::tr("Copy"), parent);
    QObject::connect(button, &QPushButton::clicked, parent, [source] {
        if (!source->text().isEmpty())
            QGuiApplication::clipboard()->setText(source->text());
    });
    return button;
}

} // namespace

ExportPanel::ExportPanel(QWidget* parent)
    : QWidget(parent)
{
    auto* exportBox = new QGroupBox(tr("Export"), this);
    m_exportRun = new QPushButton(tr("Export run as CSV..."), exportBox);
    m_exportRun->setToolTip(tr("Writes events.csv, servers.csv, changes.csv and run.json into a folder you choose."));
    m_exportCharts = new QPushButton(tr("Save charts as PNG/PDF..."), exportBox);
    m_status = new QLabel(exportBox);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_exportRun);
    buttons->addWidget(m_exportCharts);
    buttons->addStretch(1);
    auto* exportLayout = new QVBoxLayout(exportBox);
    exportLayout->addLayout(buttons);
    exportLayout->addWidget(m_status);

    auto* reachBox = new QGroupBox(tr("Talk to the balancer yourself"), this);
    m_url = makeCommandLine(reachBox);
    m_url->setPlaceholderText(tr("starts with the run"));
    m_copyUrl = new QPushButton(tr("Copy"), reachBox);
    m_curl = makeCommandLine(reachBox);
    m_curlCookies = makeCommandLine(reachBox);
    auto* note = new QLabel(
        tr("Any HTTP client can use the balancer at this address: a browser, curl, wrk. Its requests show up "
           "on the map as outside clients, next to the generated ones. Without a cookie jar, curl is a new "
           "visitor every time; with one, cookie-based affinity can recognise it."),
        reachBox);
    note->setWordWrap(true);
    auto* grid = new QGridLayout(reachBox);
    grid->addWidget(new QLabel(tr("Balancer URL"), reachBox), 0, 0);
    grid->addWidget(m_url, 0, 1);
    grid->addWidget(m_copyUrl, 0, 2);
    grid->addWidget(new QLabel(tr("One request"), reachBox), 1, 0);
    grid->addWidget(m_curl, 1, 1);
    grid->addWidget(makeCopyButton(reachBox, m_curl), 1, 2);
    grid->addWidget(new QLabel(tr("With cookies"), reachBox), 2, 0);
    grid->addWidget(m_curlCookies, 2, 1);
    grid->addWidget(makeCopyButton(reachBox, m_curlCookies), 2, 2);
    grid->addWidget(note, 3, 0, 1, 3);
    grid->setColumnStretch(1, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(exportBox);
    layout->addWidget(reachBox);
    layout->addStretch(1);

    connect(m_exportRun, &QPushButton::clicked, this, &ExportPanel::chooseRunDirectory);
    connect(m_exportCharts, &QPushButton::clicked, this, &ExportPanel::chooseChartsFile);
    connect(m_copyUrl, &QPushButton::clicked, this, &ExportPanel::copyUrl);
    showSnapshot(Snapshot{});
}

QString ExportPanel::urlText() const { return m_url->text(); }
QString ExportPanel::curlCommand() const { return m_curl->text(); }
QString ExportPanel::curlCookieCommand() const { return m_curlCookies->text(); }
QString ExportPanel::statusText() const { return m_status->text(); }

void ExportPanel::showSnapshot(const lblab::Snapshot& snapshot)
{
    if (snapshot.balancerUrl == m_balancerUrl && !m_url->text().isEmpty())
        return;
    m_balancerUrl = snapshot.balancerUrl;
    QString url = QString::fromStdString(m_balancerUrl);
    const bool known = !url.isEmpty();
    if (known && !url.endsWith(QLatin1Char('/')))
        url += QLatin1Char('/');
    m_url->setText(url);
    m_copyUrl->setEnabled(known);
    m_curl->setText(known ? QStringLiteral("curl -i %1search?loc=eu").arg(url) : QString());
    m_curlCookies->setText(known ? QStringLiteral("curl -i -c jar -b jar %1account").arg(url) : QString());
    m_curl->setPlaceholderText(tr("the balancer is not running yet"));
    m_curlCookies->setPlaceholderText(tr("the balancer is not running yet"));
}

void ExportPanel::copyUrl()
{
    if (!m_url->text().isEmpty())
        QGuiApplication::clipboard()->setText(m_url->text());
}

void ExportPanel::setStatus(const QString& text, bool error)
{
    m_statusError = error;
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #C0261A; font-weight: 600;") : QString());
}

void ExportPanel::showExportResult(bool ok, const QString& message)
{
    QString text = message;
    if (!ok && !m_lastPath.isEmpty() && !text.contains(m_lastPath))
        text += QStringLiteral(" (%1)").arg(m_lastPath);
    if (text.isEmpty())
        text = ok ? tr("Export finished.") : tr("Export failed.");
    setStatus(text, !ok);
}

void ExportPanel::requestRunExport(const QString& directory)
{
    if (directory.isEmpty())
        return;
    m_lastPath = directory;
    setStatus(tr("Exporting the run to %1 ...").arg(directory), false);
    emit exportRunRequested(directory);
}

void ExportPanel::requestChartsExport(const QString& file)
{
    if (file.isEmpty())
        return;
    QString path = file;
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != QLatin1String("png") && suffix != QLatin1String("pdf"))
        path += QStringLiteral(".png");
    m_lastPath = path;
    setStatus(tr("Saving the charts to %1 ...").arg(path), false);
    emit exportChartsRequested(path);
}

void ExportPanel::chooseRunDirectory()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Export the run into a folder"));
    requestRunExport(dir);
}

void ExportPanel::chooseChartsFile()
{
    QString selected;
    const QString file = QFileDialog::getSaveFileName(this, tr("Save the charts"), QStringLiteral("lblab-charts.png"),
                                                      tr("PNG image (*.png);;PDF document (*.pdf)"), &selected);
    if (file.isEmpty())
        return;
    // The dialog does not always add the extension of the chosen filter.
    QString path = file;
    if (QFileInfo(path).suffix().isEmpty())
        path += selected.contains(QLatin1String("pdf")) ? QStringLiteral(".pdf") : QStringLiteral(".png");
    requestChartsExport(path);
}

} // namespace lblab::ui
