#include "core/record/request_notes.h"

#include "core/record/why_text.h"

namespace lblab {
namespace {

std::string nameOf(std::span<const std::string> names, int backend)
{
    if (backend >= 0 && static_cast<std::size_t>(backend) < names.size() && !names[static_cast<std::size_t>(backend)].empty())
        return names[static_cast<std::size_t>(backend)];
    std::string numbered = "#"; // as whyText writes a server it has no name for
    numbered += std::to_string(backend);
    return numbered;
}

} // namespace

std::optional<LabEvent> RequestNotes::noteFor(const RequestEvent& e, const ClientTracker::Outcome& outcome,
                                              std::span<const std::string> names)
{
    const bool repinned = e.decision == DecisionKind::Repinned;
    if (!repinned && !outcome.affinityBreak)
        return std::nullopt;
    const std::int64_t second = e.tUs / 1'000'000;
    if (second != m_second) {
        m_second = second;
        m_listed = 0;
    }
    if (m_listed > kPerSecond)
        return std::nullopt;
    if (m_listed++ == kPerSecond)
        return LabEvent{e.tUs, LabEventKind::Note, "requests",
                        "more re-pins and affinity breaks in this second: counted in the totals, not listed"};
    LabEvent note;
    note.tUs = e.tUs;
    note.subject = e.clientId;
    if (outcome.affinityBreak) {
        note.kind = LabEventKind::AffinityBroken;
        note.detail = "moved " + nameOf(names, outcome.movedFrom) + " -> " + nameOf(names, e.backend) +
                      " after its address changed: ";
    } else {
        note.kind = LabEventKind::Repinned;
    }
    note.detail += whyText(e, names);
    return note;
}

} // namespace lblab
