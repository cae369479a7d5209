#include "ui/shortcut_catalog.h"

#include <QCoreApplication>

namespace lblab::ui {

namespace {
QString tr(const char* text) { return QCoreApplication::translate("ShortcutCatalog", text); }
} // namespace

QList<QString> ShortcutCatalog::enlargeablePanels()
{
    return {tr("Map"), tr("Servers"), tr("Load"), tr("Explain"), tr("Client"), tr("Session table"),
            tr("Event log"), tr("Export"), tr("Config")};
}

QList<ShortcutInfo> ShortcutCatalog::all()
{
    QList<QKeySequence> policies;
    for (int i = 0; i < 9; ++i)
        policies << policy(i);
    QList<QKeySequence> enlarge;
    const QList<QString> panels = enlargeablePanels();
    for (int i = 0; i < panels.size(); ++i)
        enlarge << enlargePanel(i);
    QString panelList;
    for (int i = 0; i < panels.size(); ++i)
        panelList += (i ? QStringLiteral(", ") : QString()) + QStringLiteral("%1 %2").arg(i + 1).arg(panels[i]);
    return {
        {tr("Run"), tr("Space"), tr("Start when stopped, else pause or resume (also while a number field has focus)"),
         {QKeySequence(Qt::Key_Space)}},
        {tr("Run"), tr("N"), tr("Step: let exactly one generated request through and show why it went where it "
                                "went (enters step mode)"), {step()}},
        {tr("Run"), tr("R"), tr("Run: leave step mode, requests flow again"), {run()}},
        {tr("Policies"), tr("Ctrl+1 … Ctrl+9"), tr("Switch live to the first nine policies of the picker"), policies},
        {tr("Policies"), tr("Alt+Up / Alt+Down"), tr("Previous / next policy"),
         {QKeySequence(Qt::ALT | Qt::Key_Up), QKeySequence(Qt::ALT | Qt::Key_Down)}},
        {tr("View"), tr("F"), tr("The map or the flow view (each request drawn as it travels)"), {flowView()}},
        {tr("View"), tr("F11"), tr("Presentation mode: full screen, larger text; F11 again to leave"), {presentationMode()}},
        {tr("View"), tr("Ctrl+= (or Ctrl++)"), tr("Larger text, everywhere at once"), zoomIn()},
        {tr("View"), tr("Ctrl+-"), tr("Smaller text"), {zoomOut()}},
        {tr("View"), tr("Ctrl+0"), tr("Normal text size"), {zoomReset()}},
        {tr("View"), tr("Alt+1 … Alt+%1").arg(panels.size()), tr("Enlarge a panel to fill the window (%1); the same key "
                                                                 "or Esc brings the others back").arg(panelList),
         enlarge},
        {tr("View"), tr("Esc"), tr("Back from an enlarged panel, or out of presentation mode"), {leaveEnlarged()}},
        {tr("Help"), tr("F1"), tr("This list"), {help()}},
        {tr("File"), tr("Ctrl+O"), tr("Open a scenario file"), {QKeySequence(QKeySequence::Open)}},
        {tr("File"), tr("Ctrl+Shift+S"), tr("Save the setup as a scenario file"), {QKeySequence(QKeySequence::SaveAs)}},
        {tr("File"), tr("Ctrl+Q"), tr("Quit"), {QKeySequence(QKeySequence::Quit)}},
        {tr("Replay"), tr("Space"), tr("Play or pause a recorded run (replay window)"), {QKeySequence(Qt::Key_Space)}},
        {tr("Mouse"), tr("Click a tile"), tr("Follow that client: its story (addresses, servers, decisions, "
                                             "session outcomes) fills the Client panel"), {}},
        {tr("Mouse"), tr("Double-click a panel's title"), tr("Enlarge that panel, or bring the others back"), {}},
        {tr("Mouse"), tr("Click the replay timeline"), tr("Jump to that moment"), {}},
    };
}

bool ShortcutCatalog::lists(const QKeySequence& key)
{
    for (const ShortcutInfo& info : all())
        for (const QKeySequence& k : info.keys)
            if (k == key)
                return true;
    return false;
}

QString ShortcutCatalog::html()
{
    QString out = QStringLiteral("<table cellspacing='0' cellpadding='4'>");
    QString section;
    for (const ShortcutInfo& info : all()) {
        if (info.section != section) {
            section = info.section;
            out += QStringLiteral("<tr><td colspan='2'><h3>%1</h3></td></tr>").arg(section.toHtmlEscaped());
        }
        out += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>")
                   .arg(info.keysText.toHtmlEscaped(), info.what.toHtmlEscaped());
    }
    return out + QStringLiteral("</table>");
}

} // namespace lblab::ui
