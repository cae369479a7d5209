#include "ui/session_store_picker.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>

#include <string>

namespace lblab::ui {

SessionStorePicker::SessionStorePicker(QWidget* parent) : QWidget(parent)
{
    auto* label = new QLabel(tr("Sessions"), this);
    QFont bold; // bold only: the size follows the window's text size, as the other captions do
    bold.setBold(true);
    label->setFont(bold);
    m_combo = new QComboBox(this);
    m_combo->setObjectName(QStringLiteral("sessionStorePicker"));
    for (SessionStoreKind kind : SessionStoreCatalog::all()) {
        m_combo->addItem(QString::fromStdString(std::string(SessionStoreCatalog::displayName(kind))),
                         static_cast<int>(kind));
        m_combo->setItemData(m_combo->count() - 1,
                             QString::fromStdString(std::string(SessionStoreCatalog::description(kind))),
                             Qt::ToolTipRole);
    }
    label->setBuddy(m_combo);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(label);
    layout->addWidget(m_combo);

    connect(m_combo, &QComboBox::currentIndexChanged, this, [this](int index) {
        // The picker's own tooltip says what the selected store means.
        m_combo->setToolTip(tr("%1\nChanging it restarts the run.").arg(m_combo->itemData(index, Qt::ToolTipRole).toString()));
        if (index >= 0) // not while setStore blocks this picker's signals
            emit storeChosen(static_cast<SessionStoreKind>(m_combo->itemData(index).toInt()));
    });
    m_combo->setToolTip(tr("%1\nChanging it restarts the run.").arg(m_combo->itemData(0, Qt::ToolTipRole).toString()));
}

SessionStoreKind SessionStorePicker::store() const
{
    const int index = m_combo->currentIndex();
    return index >= 0 ? static_cast<SessionStoreKind>(m_combo->itemData(index).toInt()) : SessionStoreKind::Local;
}

void SessionStorePicker::setStore(SessionStoreKind store)
{
    const QSignalBlocker block(this); // the tooltip follows, no storeChosen
    m_combo->setCurrentIndex(m_combo->findData(static_cast<int>(store)));
}

void SessionStorePicker::choose(SessionStoreKind store)
{
    m_combo->setCurrentIndex(m_combo->findData(static_cast<int>(store)));
}

} // namespace lblab::ui
