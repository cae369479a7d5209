#pragma once

#include <QDialog>

class QLabel;

namespace lblab::ui {

/// Help > About: what LB Lab is, its version, its licence and the libraries it stands on.
class AboutDialog : public QDialog {
    Q_OBJECT
public:
    /// Builds the dialog (not shown).
    explicit AboutDialog(QWidget* parent = nullptr);
    /// The text shown, for tests.
    QString text() const;

private:
    QLabel* m_text;
};

} // namespace lblab::ui
