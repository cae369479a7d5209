#include "ui/servers_panel.h"

#include "ui/server_card.h"
#include "ui/store_card.h"

#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QStyle>
#include <QVBoxLayout>

#include <algorithm>

namespace lblab::ui {

ServersPanel::ServersPanel(QWidget* parent) : QWidget(parent)
{
    auto* inner = new QWidget;
    m_cardsLayout = new QVBoxLayout(inner);
    m_cardsLayout->setContentsMargins(0, 0, 0, 0);
    m_cardsLayout->setSpacing(4);
    // Under the last card, where the next one will appear; no row of its own above the cards.
    m_add = new QPushButton(tr("+ Add server"), inner);
    m_add->setToolTip(tr("Add a server like the existing ones"));
    m_add->setFocusPolicy(Qt::NoFocus);
    connect(m_add, &QPushButton::clicked, this, &ServersPanel::addRequested);
    m_cardsLayout->addWidget(m_add);
    m_cardsLayout->addStretch(1);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(inner);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    // Outside the scroll area: where the sessions live stays in view however many servers there are.
    m_store = new StoreCard(this);
    m_store->hide(); // until a run keeps its sessions elsewhere than on each server
    connect(m_store, &StoreCard::killRequested, this, &ServersPanel::storeKillRequested);
    connect(m_store, &StoreCard::restoreRequested, this, &ServersPanel::storeRestoreRequested);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 4);
    layout->setSpacing(4);
    layout->addWidget(m_store);
    layout->addWidget(scroll, 1);
}

int ServersPanel::heightFor(int cards, int width, SessionStoreKind storeKind, bool withAdd) const
{
    // A card as this font makes it (cards may not exist yet when the window lays itself out).
    ServerCard probe(0, QStringLiteral("s1"));
    BackendView view;
    view.sessionMisses = 1; // the taller card: the one with a misses line
    probe.showServer(view);
    probe.setFont(font());
    const int cardWidth = std::max(200, width - 2 * layout()->contentsMargins().left() -
                                            style()->pixelMetric(QStyle::PM_ScrollBarExtent));
    const int card = probe.hasHeightForWidth() ? probe.heightForWidth(cardWidth) : probe.sizeHint().height();
    // The store card, if any, at its tallest: with the figures of a long run.
    const int storeWidth = width - layout()->contentsMargins().left() - layout()->contentsMargins().right();
    int store = 0;
    if (storeKind != SessionStoreKind::Local) {
        StoreCard storeProbe;
        StoreView longRun;
        longRun.kind = storeKind;
        longRun.up = true;
        longRun.keys = 10'000;
        longRun.opsPerSecond = 1000;
        longRun.run = {100'000, 10'000, 1'000, 150, 1'500, 100'000, 6'800'000};
        longRun.history.push_back({1'000'000, 500, 0, 150, 1'500});
        storeProbe.showStore(longRun);
        storeProbe.setFont(font());
        storeProbe.ensurePolished(); // its style sheet's thick border takes width from the text
        store = (storeProbe.hasHeightForWidth() ? storeProbe.heightForWidth(storeWidth)
                                                : storeProbe.sizeHint().height()) + layout()->spacing();
    }
    const int spacing = m_cardsLayout->spacing();
    const QMargins m = layout()->contentsMargins();
    return store + cards * (card + spacing) + (withAdd ? m_add->sizeHint().height() : 0) + m.top() +
           m.bottom() + 2 * spacing;
}

int ServersPanel::cardCount() const
{
    int n = 0;
    for (const ServerCard* c : m_cards)
        n += c->isVisibleTo(this) ? 1 : 0;
    return n;
}

ServerCard* ServersPanel::card(const QString& name) const
{
    for (ServerCard* c : m_cards)
        if (c->name() == name && c->isVisibleTo(this))
            return c;
    return nullptr;
}

void ServersPanel::showSnapshot(const Snapshot& snapshot)
{
    m_store->showStore(snapshot.store);
    m_store->setVisible(snapshot.store.kind != SessionStoreKind::Local);
    // A new run may rename backends: start over when a name no longer matches its index.
    for (std::size_t i = 0; i < m_cards.size() && i < snapshot.servers.size(); ++i) {
        if (m_cards[i]->name() != QString::fromStdString(snapshot.servers[i].name)) {
            for (ServerCard* c : m_cards)
                c->deleteLater();
            m_cards.clear();
            break;
        }
    }
    while (m_cards.size() > snapshot.servers.size()) {
        m_cards.back()->deleteLater();
        m_cards.pop_back();
    }
    for (std::size_t i = m_cards.size(); i < snapshot.servers.size(); ++i) {
        auto* c = new ServerCard(static_cast<int>(i), QString::fromStdString(snapshot.servers[i].name));
        connect(c, &ServerCard::killRequested, this, &ServersPanel::killRequested);
        connect(c, &ServerCard::restoreRequested, this, &ServersPanel::restoreRequested);
        connect(c, &ServerCard::drainRequested, this, &ServersPanel::drainRequested);
        connect(c, &ServerCard::weightRequested, this, &ServersPanel::weightRequested);
        connect(c, &ServerCard::removeRequested, this, &ServersPanel::removeRequested);
        connect(c, &ServerCard::inputCorrected, this, &ServersPanel::inputCorrected);
        m_cardsLayout->insertWidget(m_cardsLayout->count() - 2, c); // before the add button and the stretch
        m_cards.push_back(c);
    }
    const bool keepsSessions = snapshot.store.kind == SessionStoreKind::Local;
    for (std::size_t i = 0; i < m_cards.size(); ++i) {
        const BackendView& s = snapshot.servers[i];
        m_cards[i]->setVisible(s.state != BackendState::Removed);
        if (s.state != BackendState::Removed)
            m_cards[i]->showServer(s, keepsSessions);
    }
}

} // namespace lblab::ui
