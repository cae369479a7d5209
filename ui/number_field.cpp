#include "ui/number_field.h"

#include <QKeyEvent>
#include <QLineEdit>

#include <algorithm>

namespace lblab::ui {

NumberField::NumberField(const QString& what, QWidget* parent) : QSpinBox(parent), m_what(what)
{
    setCorrectionMode(QAbstractSpinBox::CorrectToNearestValue);
    setKeyboardTracking(false); // a value counts once it is committed, not per keystroke
    setGroupSeparatorShown(false);
}

QString NumberField::digitsOf(const QString& input) const
{
    QString text = input;
    if (!prefix().isEmpty() && text.startsWith(prefix()))
        text.remove(0, prefix().size());
    if (!suffix().isEmpty() && text.endsWith(suffix()))
        text.chop(suffix().size());
    return text.trimmed();
}

QValidator::State NumberField::validate(QString& input, int& pos) const
{
    const QString digits = digitsOf(input);
    if (digits.isEmpty())
        return QValidator::Intermediate;
    for (const QChar c : digits)
        if (!c.isDigit())
            return QSpinBox::validate(input, pos); // not a plain whole number: Qt's own rules

    bool ok = false;
    const qlonglong value = digits.toLongLong(&ok);
    // Past the range (or past what a number can hold) the text stays as typed until it is
    // committed; then fixup() corrects it and commitTyped() says why.
    if (!ok || value < minimum() || value > maximum())
        return QValidator::Intermediate;
    return QValidator::Acceptable;
}

void NumberField::fixup(QString& input) const
{
    const QString digits = digitsOf(input);
    bool ok = false;
    const qlonglong value = digits.toLongLong(&ok);
    if (digits.isEmpty())
        return QSpinBox::fixup(input);
    const qlonglong nearest = !ok ? maximum() : std::clamp<qlonglong>(value, minimum(), maximum());
    input = prefix() + QString::number(nearest) + suffix();
}

bool NumberField::commitTyped()
{
    const QString digits = digitsOf(lineEdit()->text());
    bool ok = false;
    const qlonglong value = digits.toLongLong(&ok);
    if (digits.isEmpty() || (ok && value >= minimum() && value <= maximum())) {
        interpretText();
        return false;
    }
    const qlonglong nearest = !ok || value > maximum() ? maximum() : minimum();
    m_lastCorrection = tr("%1: %2 is %3 the %4 allowed (%5), so it was set to %5")
                           .arg(m_what, digits, nearest == maximum() ? tr("above") : tr("below"),
                                nearest == maximum() ? tr("most") : tr("least"), QString::number(nearest));
    if (!m_limitReason.isEmpty())
        m_lastCorrection += QStringLiteral(" (%1)").arg(m_limitReason);
    setValue(static_cast<int>(nearest));
    emit inputCorrected(m_lastCorrection);
    return true;
}

void NumberField::keyPressEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) {
        commitTyped();
        QSpinBox::keyPressEvent(event);
        emit returnPressed();
        return;
    }
    QSpinBox::keyPressEvent(event);
}

void NumberField::focusOutEvent(QFocusEvent* event)
{
    commitTyped();
    QSpinBox::focusOutEvent(event);
}

} // namespace lblab::ui
