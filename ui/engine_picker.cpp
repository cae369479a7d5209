#include "ui/engine_picker.h"

#include "core/engines/engine_catalog.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QStandardItemModel>

namespace lblab::ui {

namespace {

// Where a policy item keeps its own tooltip while the reason it is greyed out replaces it.
constexpr int kOwnToolTipRole = Qt::UserRole + 40;

QString toolTipFor(EngineKind engine)
{
    switch (engine) {
    case EngineKind::Builtin: return EnginePicker::tr("The lab's own proxy: every policy, no outside program");
    case EngineKind::Haproxy: return EnginePicker::tr("A real HAProxy started by the lab, configured for the policy");
    case EngineKind::Nginx:
        return EnginePicker::tr("A real NGINX (open source) started by the lab; it cannot run the stateful policies");
    }
    return {};
}

} // namespace

EnginePicker::EnginePicker(QWidget* parent) : QWidget(parent)
{
    auto* label = new QLabel(tr("Engine"), this);
    QFont bold; // bold only: the size follows the window's text size, as the other captions do
    bold.setBold(true);
    label->setFont(bold);
    m_combo = new QComboBox(this);
    m_combo->setObjectName(QStringLiteral("enginePicker"));
    for (EngineKind kind : EngineCatalog::all()) {
        m_combo->addItem(QString::fromStdString(std::string(EngineCatalog::displayName(kind))),
                         static_cast<int>(kind));
        m_combo->setItemData(m_combo->count() - 1, toolTipFor(kind), Qt::ToolTipRole);
    }
    m_combo->setToolTip(tr("Which balancer balances: the builtin proxy, or a real HAProxy or NGINX the lab "
                           "starts. Changing it restarts the run."));
    label->setBuddy(m_combo);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(label);
    layout->addWidget(m_combo);

    connect(m_combo, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (index >= 0)
            emit engineChosen(static_cast<EngineKind>(m_combo->itemData(index).toInt()));
    });
}

EngineKind EnginePicker::engine() const
{
    const int index = m_combo->currentIndex();
    return index >= 0 ? static_cast<EngineKind>(m_combo->itemData(index).toInt()) : EngineKind::Builtin;
}

void EnginePicker::setEngine(EngineKind engine)
{
    const QSignalBlocker block(m_combo);
    m_combo->setCurrentIndex(m_combo->findData(static_cast<int>(engine)));
}

void EnginePicker::choose(EngineKind engine)
{
    m_combo->setCurrentIndex(m_combo->findData(static_cast<int>(engine)));
}

void EnginePicker::markSupportedPolicies(QComboBox* policyPicker, EngineKind engine, int idRole)
{
    auto* model = qobject_cast<QStandardItemModel*>(policyPicker->model());
    if (!model)
        return;
    for (int row = 0; row < model->rowCount(); ++row) {
        QStandardItem* item = model->item(row);
        const QString id = item->data(idRole).toString();
        if (id.isEmpty())
            continue; // a heading
        if (!item->data(kOwnToolTipRole).isValid())
            item->setData(item->toolTip(), kOwnToolTipRole);
        const EngineSupport support = EngineCatalog::support(engine, id.toStdString());
        item->setEnabled(support.supported);
        item->setToolTip(support.supported ? item->data(kOwnToolTipRole).toString()
                                           : QString::fromStdString(support.reason));
    }
}

} // namespace lblab::ui
