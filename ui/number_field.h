#pragma once

#include <QLineEdit>
#include <QSpinBox>
#include <QString>

namespace lblab::ui {

/// A whole-number field that never rewrites what was typed without saying why. A plain QSpinBox
/// refuses the keystroke that takes a number past its maximum (10000 typed into a field that allows
/// 2000 reads 1000); this one keeps the text while it is being typed and, when the number is
/// committed (Enter, focus leaving), corrects it to the nearest allowed value and says so through
/// inputCorrected().
class NumberField : public QSpinBox {
    Q_OBJECT
public:
    /// A field named `what` ("Clients", "Seed"): the name starts the correction message.
    explicit NumberField(const QString& what, QWidget* parent = nullptr);

    /// Why the maximum is what it is, appended to the message (e.g. "the most a run may have").
    void setLimitReason(const QString& reason) { m_limitReason = reason; }
    /// The last correction's message ("" if none yet).
    QString lastCorrection() const { return m_lastCorrection; }
    /// The text field inside (tests type into it like a user; Qt keeps lineEdit() protected).
    QLineEdit* editor() const { return lineEdit(); }
    /// Checks the typed text now, as committing it would (Enter, focus out); true if it was corrected.
    bool commitTyped();

signals:
    /// The typed number was out of range and was set to the nearest allowed one; `message` says so.
    void inputCorrected(QString message);
    /// Enter was pressed in the field (after the value was committed).
    void returnPressed();

protected:
    QValidator::State validate(QString& input, int& pos) const override;
    void fixup(QString& input) const override;
    void keyPressEvent(QKeyEvent* event) override;
    void focusOutEvent(QFocusEvent* event) override;

private:
    QString digitsOf(const QString& input) const;

    QString m_what;
    QString m_limitReason;
    QString m_lastCorrection;
};

} // namespace lblab::ui
