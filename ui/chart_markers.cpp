#include "ui/chart_markers.h"
#include "ui/ui_text.h"

#include <QCoreApplication>

#include <algorithm>

namespace lblab::ui {

namespace {

// Enough entries that a repeated run of them is not a coincidence, few enough to compare cheaply.
constexpr std::size_t kTailLength = 16;


bool sameEntry(const LabEvent& a, const LabEvent& b)
{
    return a.tUs == b.tUs && a.kind == b.kind && a.subject == b.subject && a.detail == b.detail;
}

QString tr(const char* text) { return QCoreApplication::translate("lblab::ui::ChartMarkers", text); }

} // namespace

bool ChartMarkers::markerFor(const LabEvent& event, ChartMarker& out)
{
    const QString subject = QString::fromStdString(event.subject);
    using K = ChartMarker::Kind;
    switch (event.kind) {
    case LabEventKind::PolicySwitched: {
        out.kind = K::Policy;
        out.policy = subject;
        out.label = QStringLiteral("→ ") + subject;
        // The balancer writes "from round-robin; 12 pins dropped".
        const QString detail = QString::fromStdString(event.detail);
        if (detail.startsWith(QLatin1String("from ")))
            out.fromPolicy = detail.mid(5).section(QLatin1Char(';'), 0, 0).trimmed();
        break;
    }
    case LabEventKind::BackendDown:
        // The lab's own kill says "killed: ..."; a failed health check says why it failed.
        out.kind = event.detail.starts_with("killed") ? K::ServerKilled : K::BackendDown;
        out.label = out.kind == K::ServerKilled ? tr("%1 killed").arg(subject) : tr("%1 down").arg(subject);
        break;
    case LabEventKind::BackendUp:
        out.kind = K::BackendUp;
        out.label = tr("%1 up").arg(subject);
        break;
    case LabEventKind::BackendAdded:
        out.kind = K::BackendAdded;
        out.label = QStringLiteral("+ ") + subject;
        break;
    case LabEventKind::BackendRemoved:
        out.kind = K::BackendRemoved;
        out.label = tr("%1 removed").arg(subject);
        break;
    case LabEventKind::BackendDraining:
        out.kind = K::BackendDraining;
        out.label = tr("%1 draining").arg(subject);
        break;
    case LabEventKind::StoreDown:
        // The lab's kill says "Redis killed: ..."; anything else is the store failing on its own.
        out.kind = K::StoreKilled;
        out.label = event.detail.starts_with("Redis killed") ? tr("store killed") : tr("store down");
        break;
    case LabEventKind::StoreUp:
        out.kind = K::StoreBack;
        out.label = tr("store back");
        break;
    case LabEventKind::Note: {
        // Only what the teacher wrote (a scenario's timeline, a note typed in the window); the lab's
        // own notes ("restarted; ...", "moving 30% of users") have their marker from what follows.
        if (event.subject != "timeline" && event.subject != "user")
            return false;
        out.kind = K::Note;
        QString text = QString::fromStdString(event.detail).simplified();
        if (text.size() > kNoteChars)
            text = text.left(kNoteChars - 1).trimmed() + QStringLiteral("…");
        out.label = text;
        break;
    }
    default:
        return false;
    }
    out.x = toSeconds(event.tUs);
    out.subject = subject;
    return !out.label.isEmpty();
}

std::size_t ChartMarkers::firstNew(const std::vector<LabEvent>& log) const
{
    const std::size_t m = m_tail.size();
    if (m == 0)
        return 0;
    // Where the entries taken last time end in this log: usually at or near its end.
    for (std::size_t end = log.size(); end >= m; --end)
        if (std::equal(m_tail.begin(), m_tail.end(), log.begin() + static_cast<std::ptrdiff_t>(end - m), sameEntry))
            return end;
    // More entries came than the log keeps: only the newest of those taken are still at its start.
    for (std::size_t k = 1; k < m; ++k) {
        const std::size_t overlap = m - k;
        if (overlap <= log.size() &&
            std::equal(m_tail.begin() + static_cast<std::ptrdiff_t>(k), m_tail.end(), log.begin(), sameEntry))
            return overlap;
    }
    return 0; // nothing of what was taken is left: every entry is new
}

bool ChartMarkers::addFromLog(const std::vector<LabEvent>& log)
{
    if (log.empty())
        return false;
    const std::size_t from = firstNew(log);
    if (!m_started) {
        // A log that starts with the run knows all its churn; a cut one only from its first entry.
        m_bursts.reset(log.front().kind == LabEventKind::RunStarted ? 0.0 : toSeconds(log.front().tUs));
        m_started = true;
    }
    bool changed = false;
    for (std::size_t i = from; i < log.size(); ++i) {
        const LabEvent& event = log[i];
        if (event.kind == LabEventKind::IpChanged) {
            changed = addIpChange(event) || changed;
            continue;
        }
        ChartMarker marker;
        if (!markerFor(event, marker))
            continue;
        // A killed server fails its health checks: one marker says it, whichever the log has first
        // (the balancer can notice the dead server before the lab has logged that it killed it).
        const bool down = marker.kind == ChartMarker::Kind::BackendDown || marker.kind == ChartMarker::Kind::ServerKilled;
        if (ChartMarker* before = down ? downMarkerOf(marker.subject) : nullptr) {
            if (marker.kind == ChartMarker::Kind::ServerKilled && before->kind != marker.kind) {
                before->kind = marker.kind;
                before->label = marker.label;
                changed = true;
            }
            continue;
        }
        insert(std::move(marker));
        changed = true;
    }
    const std::size_t keep = std::min(kTailLength, log.size());
    m_tail.assign(log.end() - static_cast<std::ptrdiff_t>(keep), log.end());
    return changed;
}

ChartMarker* ChartMarkers::downMarkerOf(const QString& server)
{
    // The server's latest marker, if it says the server went down (nothing since brought it back).
    using K = ChartMarker::Kind;
    for (auto it = m_markers.rbegin(); it != m_markers.rend(); ++it) {
        if (it->subject != server || it->kind == K::Note || it->kind == K::Policy || it->kind == K::IpBurst ||
            it->kind == K::StoreKilled || it->kind == K::StoreBack)
            continue;
        return it->kind == K::BackendDown || it->kind == K::ServerKilled ? &*it : nullptr;
    }
    return nullptr;
}

bool ChartMarkers::addIpChange(const LabEvent& event)
{
    const IpChangeBursts::Step step = m_bursts.add(toSeconds(event.tUs));
    if (step == IpChangeBursts::Step::None)
        return false;
    const QString label = QCoreApplication::translate("lblab::ui::ChartMarkers", "%n IP changes", nullptr,
                                                      m_bursts.burstCount());
    if (step == IpChangeBursts::Step::Started) {
        ChartMarker marker;
        marker.kind = ChartMarker::Kind::IpBurst;
        marker.x = m_bursts.burstStartSeconds();
        marker.label = label;
        insert(std::move(marker));
        m_burstId = m_nextId - 1;
        return true;
    }
    // The burst goes on: its one marker counts the new change (unless it already left the window).
    for (auto it = m_markers.rbegin(); it != m_markers.rend(); ++it)
        if (it->id == m_burstId) {
            it->label = label;
            return true;
        }
    return false;
}

void ChartMarkers::insert(ChartMarker marker)
{
    marker.id = m_nextId++;
    const auto at = std::upper_bound(m_markers.begin(), m_markers.end(), marker.x,
                                     [](double x, const ChartMarker& m) { return x < m.x; });
    m_markers.insert(at, std::move(marker));
    while (m_markers.size() > kCapacity)
        m_markers.pop_front();
}

bool ChartMarkers::removeBefore(double seconds)
{
    bool changed = false;
    while (!m_markers.empty() && m_markers.front().x < seconds) {
        m_markers.pop_front();
        changed = true;
    }
    return changed;
}

void ChartMarkers::clear()
{
    m_markers.clear();
    m_tail.clear();
    m_bursts.reset();
    m_started = false;
    m_burstId = 0;
}

} // namespace lblab::ui
