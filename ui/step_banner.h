#pragma once

#include "core/lab/snapshot.h"

#include <QFrame>
#include <QString>

#include <cstdint>
#include <optional>

class QLabel;

namespace lblab::ui {

/// Step mode's large caption under the map or the flow: the request the last step let through, in
/// letters a classroom can read: who sent it from which address, where it went, why the balancer
/// chose that server, and what it meant for the session. Hidden while requests flow freely.
class StepBanner : public QFrame {
    Q_OBJECT
public:
    /// A hidden banner.
    explicit StepBanner(QWidget* parent = nullptr);

    /// "Step 3: c17 from 127.0.3.17 → s2" (or what step mode waits for).
    QString headline() const;
    /// Why the balancer chose that server ("" before the first step's request is back).
    QString why() const;
    /// The request and its outcome: "GET /account · 200 · session hit".
    QString outcome() const;
    /// True once it shows a request (not only the invitation to press N).
    bool showsRequest() const { return m_event.has_value(); }

    /// Why the balancer sent `event` where it did, in words (names by backend index).
    static QString reasonText(const RequestEvent& event, const Snapshot& snapshot);

public slots:
    /// Shows itself in step mode, with the request of the last step once the capture has it.
    void showSnapshot(const lblab::Snapshot& snapshot);

protected:
    void changeEvent(QEvent* event) override;

private:
    void render(const Snapshot& snapshot);
    void applyFonts();

    std::optional<RequestEvent> m_event; ///< the last step's request, once recorded
    std::uint64_t m_step = 0;            ///< the step it belongs to
    QLabel* m_headline;
    QLabel* m_why;
    QLabel* m_outcome;
    QLabel* m_hint;
    bool m_applyingFonts = false;
};

} // namespace lblab::ui
