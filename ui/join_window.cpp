#include "ui/join_window.h"

#include "ui/qr_code_widget.h"
#include "ui/screen_fit.h"
#include "ui/ui_text.h"

#include <QLabel>
#include <QShowEvent>
#include <QVBoxLayout>

namespace lblab::ui {

namespace {

constexpr double kJoinUrlScale = 2.0; // the address is copied by eye from across a room

} // namespace

JoinWindow::JoinWindow(QWidget* parent) : QWidget(parent, Qt::Window)
{
    setWindowTitle(tr("Join the lab from a phone"));
    setObjectName(QStringLiteral("joinWindow"));
    m_warning = new QLabel(this);
    m_warning->setObjectName(QStringLiteral("joinWarning"));
    m_warning->setWordWrap(true);
    m_warning->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // Amber, like a caution sign; black text stays readable on a washed-out projector.
    m_warning->setStyleSheet(QStringLiteral("QLabel#joinWarning { background: #ffe8a3; color: #1b1b1b; "
                                            "border: 2px solid #c98a00; border-radius: 6px; padding: 8px; }"));
    m_url = new QLabel(this);
    m_url->setAlignment(Qt::AlignCenter);
    m_url->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont big = m_url->font();
    big.setPointSizeF(big.pointSizeF() * kJoinUrlScale);
    big.setBold(true);
    m_url->setFont(big);
    m_code = new QrCodeWidget(this);
    m_hint = new QLabel(this);
    m_hint->setWordWrap(true);
    m_hint->setAlignment(Qt::AlignCenter);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_warning);
    layout->addWidget(m_url);
    layout->addWidget(m_code, 1);
    layout->addWidget(m_hint);
    resize(720, 860);
}

void JoinWindow::showNotice(const JoinNotice& notice)
{
    m_warning->setText(toQString(notice.warning));
    m_warning->setVisible(!notice.warning.empty());
    m_url->setText(toQString(notice.joinUrl()));
    const bool joinable = notice.open && !notice.urls.empty();
    m_code->setText(joinable ? toQString(notice.joinUrl()) : QString());
    m_code->setVisible(joinable);
    if (joinable)
        m_hint->setText(tr("Scan the code or type the address on a phone on the same network. Each phone that opens "
                           "it is a client on the map (ext- and its address), and its page names the server that "
                           "answered."));
    else if (notice.open)
        m_hint->setText(tr("No other device can reach this machine yet."));
    else
        m_hint->setText(tr("Only this computer can reach the lab. Turn on File > Let devices on this network join "
                           "to let phones in the room open it."));
}

void JoinWindow::showEvent(QShowEvent* event)
{
    // 720x860 is taller than an 800 px projector: there it gets the screen's height, and the code
    // shrinks in whole pixels per module, so the hint under it stays in view.
    if (!event->spontaneous())
        ScreenFit::fitToScreen(this);
    QWidget::showEvent(event);
}

QString JoinWindow::urlText() const { return m_url->text(); }

QString JoinWindow::warningText() const { return m_warning->isHidden() ? QString() : m_warning->text(); }

} // namespace lblab::ui
