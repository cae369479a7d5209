#pragma once

#include <QObject>

namespace lblab::ui {

/// Lets Space reach the window's Start/Pause shortcut wherever the focus is, except where a space is
/// text (an editable text field such as a filter box). Without it a number field that has focus takes
/// the key: after typing a seed, Space erased it instead of pausing.
class SpaceKeyFilter : public QObject {
    Q_OBJECT
public:
    /// A filter; install it on the application.
    explicit SpaceKeyFilter(QObject* parent = nullptr);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
};

} // namespace lblab::ui
