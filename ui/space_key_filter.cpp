#include "ui/space_key_filter.h"

#include <QAbstractSpinBox>
#include <QApplication>
#include <QKeyEvent>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTextEdit>

namespace lblab::ui {

namespace {

/// True when a space typed into `w` is text the user means.
bool takesTypedSpace(const QWidget* w)
{
    if (!w)
        return false;
    if (const auto* line = qobject_cast<const QLineEdit*>(w)) {
        // A spin box's inner line edit holds a number: a space there means nothing.
        for (const QWidget* p = line->parentWidget(); p; p = p->parentWidget())
            if (qobject_cast<const QAbstractSpinBox*>(p))
                return false;
        return !line->isReadOnly();
    }
    if (const auto* text = qobject_cast<const QTextEdit*>(w))
        return !text->isReadOnly();
    if (const auto* plain = qobject_cast<const QPlainTextEdit*>(w))
        return !plain->isReadOnly();
    return false;
}

} // namespace

SpaceKeyFilter::SpaceKeyFilter(QObject* parent) : QObject(parent) {}

bool SpaceKeyFilter::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() != QEvent::ShortcutOverride)
        return QObject::eventFilter(watched, event);
    auto* key = static_cast<QKeyEvent*>(event);
    if (key->key() != Qt::Key_Space || key->modifiers() != Qt::NoModifier)
        return QObject::eventFilter(watched, event);
    if (takesTypedSpace(QApplication::focusWidget()))
        return QObject::eventFilter(watched, event);
    // Refusing the override lets the shortcut map have the key; when no shortcut wants it, Qt
    // still delivers it to the widget as a normal key press.
    event->ignore();
    return true;
}

} // namespace lblab::ui
