#include "ui/config_panel.h"

#include "core/engines/engine_catalog.h"

#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollBar>
#include <QTabBar>
#include <QTextBlock>
#include <QTimer>
#include <QVBoxLayout>

#include <utility>

namespace lblab::ui {

namespace {

constexpr qint64 kRefreshMs = 1000;

QString engineName(EngineKind engine) { return QString::fromStdString(std::string(EngineCatalog::displayName(engine))); }

// What of a snapshot the generated file depends on: the policy and the servers as configured.
std::string setupKey(const Snapshot& s)
{
    std::string key = s.policy;
    for (const BackendView& b : s.servers) {
        key += '|';
        key += b.name;
        key += ':' + std::to_string(b.weight) + ':' + std::string(toString(b.state)) + (b.killed ? ":k" : "");
    }
    return key;
}

} // namespace

ConfigPanel::ConfigPanel(QWidget* parent) : QWidget(parent)
{
    m_note = new QLabel(tr("The builtin proxy needs no file; this is the same setup for HAProxy/NGINX, to take to a "
                           "real deployment"),
                        this);
    m_note->setWordWrap(true);
    m_tabs = new QTabBar(this);
    m_tabs->setObjectName(QStringLiteral("configEngineTabs"));
    m_tabs->setDrawBase(false);
    m_tabs->setExpanding(false);
    for (EngineKind engine : EngineCatalog::all()) {
        if (engine == EngineKind::Builtin)
            continue;
        const int tab = m_tabs->addTab(engineName(engine));
        m_tabs->setTabData(tab, static_cast<int>(engine));
    }
    m_tabs->setToolTip(tr("Which real balancer's file to show"));

    m_title = new QLabel(this);
    QFont bold; // bold only: the size follows the window's text size
    bold.setBold(true);
    m_title->setFont(bold);
    m_title->setWordWrap(true);

    m_editor = new QPlainTextEdit(this);
    m_editor->setReadOnly(true);
    m_editor->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_editor->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    // Only the family is set, so the size still follows the window's text size.
    QFont mono;
    mono.setFamilies(QFontDatabase::systemFont(QFontDatabase::FixedFont).families());
    mono.setStyleHint(QFont::Monospace);
    m_editor->setFont(mono);
    m_editor->setToolTip(tr("Highlighted: the lines that implement the policy"));

    m_copy = new QPushButton(tr("Copy"), this);
    m_copy->setToolTip(tr("Copy the whole file to the clipboard"));
    m_save = new QPushButton(tr("Save..."), this);
    m_save->setToolTip(tr("Write the file somewhere"));
    m_result = new QLabel(this);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_result->setWordWrap(true);

    // A click must not leave Space (the run's key) on a button or tab.
    for (QWidget* w : std::initializer_list<QWidget*>{m_copy, m_save, m_tabs})
        w->setFocusPolicy(Qt::NoFocus);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_copy);
    buttons->addWidget(m_save);
    buttons->addWidget(m_result, 1);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 6);
    layout->addWidget(m_note);
    layout->addWidget(m_tabs);
    layout->addWidget(m_title);
    layout->addWidget(m_editor, 1);
    layout->addLayout(buttons);

    connect(m_tabs, &QTabBar::currentChanged, this, [this] {
        m_showPolicyLines = true;
        refresh();
    });
    connect(m_copy, &QPushButton::clicked, this, &ConfigPanel::copyToClipboard);
    connect(m_save, &QPushButton::clicked, this, &ConfigPanel::chooseSaveFile);
    setRun(EngineKind::Builtin, QString(), {});
}

void ConfigPanel::setRun(EngineKind running, const QString& policyId, Source source)
{
    m_running = running;
    m_policy = policyId;
    m_source = std::move(source);
    m_setupKey.clear();
    m_showPolicyLines = true;
    const bool builtin = running == EngineKind::Builtin;
    m_note->setVisible(builtin);
    m_tabs->setVisible(builtin);
    refresh();
}

EngineKind ConfigPanel::shownEngine() const
{
    if (m_running != EngineKind::Builtin)
        return m_running;
    const int tab = m_tabs->currentIndex();
    return tab >= 0 ? static_cast<EngineKind>(m_tabs->tabData(tab).toInt()) : EngineKind::Haproxy;
}

void ConfigPanel::showEngineTab(EngineKind engine)
{
    for (int tab = 0; tab < m_tabs->count(); ++tab)
        if (m_tabs->tabData(tab).toInt() == static_cast<int>(engine))
            m_tabs->setCurrentIndex(tab);
}

QString ConfigPanel::text() const { return m_editor->toPlainText(); }

QString ConfigPanel::title() const { return m_title->text(); }

QString ConfigPanel::builtinNote() const { return m_note->isVisibleTo(this) ? m_note->text() : QString(); }

QString ConfigPanel::resultText() const { return m_result->text(); }

void ConfigPanel::refresh()
{
    m_stale = false;
    m_sinceRefresh.start();
    if (!m_source) {
        display(GeneratedConfig{});
        return;
    }
    display(m_source(shownEngine()));
}

void ConfigPanel::display(const GeneratedConfig& config)
{
    m_fileName = config.fileName;
    const QString text = QString::fromStdString(config.text);
    const bool textChanged = text != m_text;
    const bool linesChanged = config.policyLines != m_lines;
    m_text = text;
    m_lines = config.policyLines;
    if (textChanged && m_showPolicyLines && !m_lines.empty()) {
        // A new run or another engine's file: it opens where the policy is, the lesson of the file.
        m_showPolicyLines = false;
        m_editor->setPlainText(text);
        m_editor->setTextCursor(QTextCursor(m_editor->document()->findBlockByNumber(m_lines.front() - 1)));
        m_editor->centerCursor();
        m_centreOnShow = !isVisible();
    } else if (textChanged) {
        // The same place in the file after the refresh, as far as it still exists.
        const int vertical = m_editor->verticalScrollBar()->value();
        const int horizontal = m_editor->horizontalScrollBar()->value();
        m_editor->setPlainText(text);
        m_editor->verticalScrollBar()->setValue(vertical);
        m_editor->horizontalScrollBar()->setValue(horizontal);
    }
    if (textChanged || linesChanged)
        highlight();
    updateTitle();
    const bool any = !m_text.isEmpty();
    m_copy->setEnabled(any);
    m_save->setEnabled(any);
}

QColor ConfigPanel::highlightColour(const QPalette& palette)
{
    // Amber, light or dark after the editor's background, so the palette's own text stays readable.
    return palette.color(QPalette::Base).lightness() >= 128 ? QColor(0xFF, 0xE8, 0x8C) : QColor(0x6A, 0x52, 0x00);
}

void ConfigPanel::highlight()
{
    QList<QTextEdit::ExtraSelection> selections;
    const QColor background = highlightColour(m_editor->palette());
    QTextDocument* document = m_editor->document();
    for (int line : m_lines) {
        const QTextBlock block = document->findBlockByNumber(line - 1);
        if (!block.isValid())
            continue;
        QTextEdit::ExtraSelection selection;
        selection.cursor = QTextCursor(block);
        selection.format.setBackground(background);
        selection.format.setProperty(QTextFormat::FullWidthSelection, true);
        selections << selection;
    }
    m_editor->setExtraSelections(selections);
}

QList<int> ConfigPanel::highlightedLines() const
{
    QList<int> lines;
    for (const QTextEdit::ExtraSelection& selection : m_editor->extraSelections())
        lines << selection.cursor.blockNumber() + 1;
    return lines;
}

void ConfigPanel::updateTitle()
{
    QString title;
    const QString policy = m_policy.isEmpty() ? QString() : tr(" (policy %1)").arg(m_policy);
    if (!m_source)
        title = tr("No run yet: the configuration shows once a run starts");
    else if (m_running != EngineKind::Builtin)
        title = tr("%1 configuration running now%2").arg(engineName(m_running), policy);
    else
        title = tr("%1 configuration for the same setup%2").arg(engineName(shownEngine()), policy);
    if (m_title->text() != title)
        m_title->setText(title);
}

void ConfigPanel::showSnapshot(const Snapshot& snapshot)
{
    if (!m_source)
        return;
    std::string key = setupKey(snapshot);
    const bool changed = key != m_setupKey;
    if (changed) {
        m_setupKey = std::move(key);
        if (!snapshot.policy.empty())
            m_policy = QString::fromStdString(snapshot.policy);
    }
    if (!changed && m_sinceRefresh.isValid() && m_sinceRefresh.elapsed() < kRefreshMs)
        return;
    // Off screen (another tab in front): refresh when shown, not on every change.
    if (!isVisible()) {
        m_stale = true;
        return;
    }
    refresh();
}

void ConfigPanel::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_stale)
        refresh();
    if (std::exchange(m_centreOnShow, false)) // after the layout has given the editor its size
        QTimer::singleShot(0, m_editor, [editor = m_editor] { editor->centerCursor(); });
}

void ConfigPanel::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        highlight(); // a dark palette gets the dark amber
}

bool ConfigPanel::copyToClipboard()
{
    if (m_text.isEmpty())
        return false;
    QApplication::clipboard()->setText(m_text);
    showResult(tr("Copied %1 to the clipboard").arg(QString::fromStdString(m_fileName)), false);
    return true;
}

void ConfigPanel::chooseSaveFile()
{
    const QString suggested = QString::fromStdString(m_fileName.empty() ? std::string("lblab.cfg") : m_fileName);
    const QString path = QFileDialog::getSaveFileName(this, tr("Save configuration"), suggested);
    if (!path.isEmpty())
        saveTo(path);
}

bool ConfigPanel::saveTo(const QString& path, QString* error)
{
    // Written to a temporary file then renamed: a failure leaves whatever was at `path` untouched.
    QSaveFile file(path);
    const QByteArray bytes = m_text.toUtf8();
    const bool ok = !m_text.isEmpty() && file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size()
                    && file.commit();
    QString message;
    if (ok) {
        message = tr("Saved %1").arg(QDir::toNativeSeparators(path));
    } else {
        const QString why = m_text.isEmpty() ? tr("there is no configuration to save") : file.errorString();
        message = tr("Could not save %1: %2").arg(QDir::toNativeSeparators(path), why);
        if (error)
            *error = message;
    }
    showResult(message, !ok);
    emit saveFinished(ok, message);
    return ok;
}

void ConfigPanel::showResult(const QString& text, bool error)
{
    m_result->setText(text);
    QPalette p = m_result->palette();
    const QPalette own = QApplication::palette(this);
    const bool dark = own.color(QPalette::Window).lightness() < 128;
    const QColor red = dark ? QColor(0xFF, 0x7B, 0x72) : QColor(0xC0, 0x1C, 0x28);
    p.setColor(QPalette::WindowText, error ? red : own.color(QPalette::WindowText));
    m_result->setPalette(p);
}

} // namespace lblab::ui
