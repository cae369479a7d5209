#pragma once

#include "core/store/session_store_kind.h"

#include <QString>
#include <QStringList>

#include <string_view>
#include <vector>

namespace lblab::ui {

/// What a student should know about one policy, in plain words (the Explain panel's text).
struct PolicyExplanation {
    QString id;          ///< policy id, e.g. "source-ip-affinity"
    QString name;        ///< display name, e.g. "Source-IP affinity"
    bool stateful = false; ///< keeps a session table of pins
    QString decidesFrom; ///< what the decision is made from
    QString watch;       ///< what to look at on the map and charts
    QString weakness;    ///< where it goes wrong
};

/// The explanations of all 13 policies, stateless first, in the order README.md lists them.
const std::vector<PolicyExplanation>& allPolicyExplanations();

/// The explanation of `id`, or nullptr for an unknown id.
const PolicyExplanation* findPolicyExplanation(std::string_view id);

/// What the session store changes in every policy's lesson: "" for sessions on each server (the
/// explanations above assume it), else why a policy no longer decides whether a session is found.
QString sessionStoreNote(lblab::SessionStoreKind kind);

/// Display names of the policies that keep a session table.
QStringList statefulPolicyNames();

} // namespace lblab::ui
