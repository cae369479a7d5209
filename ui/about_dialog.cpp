#include "ui/about_dialog.h"

#include "ui/ui_resources.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace lblab::ui {

AboutDialog::AboutDialog(QWidget* parent) : QDialog(parent)
{
    ensureResources();
    setWindowTitle(tr("About LB Lab"));
    auto* icon = new QLabel(this);
    icon->setPixmap(QPixmap(QStringLiteral(":/icons/lblab-64.png")));
    icon->setAlignment(Qt::AlignTop);

    m_text = new QLabel(this);
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::RichText);
    m_text->setOpenExternalLinks(false);
    m_text->setText(
        tr("<h2>LB Lab %1</h2>"
           "<p>A desktop lab that makes load balancing visible: a real balancer, real backends and "
           "generated clients on loopback sockets, watched live.</p>"
           "<p>Licence: MIT. Copyright &copy; 2026 LB Lab developers.</p>"
           "<p>Built on Qt %2 (LGPLv3), QCustomPlot (GPLv3: the program as distributed with it "
           "follows the GPL's terms), Boost.Asio and Boost.Beast (Boost Software License), "
           "nlohmann/json (MIT).</p>")
            .arg(QStringLiteral(LBLAB_VERSION), QString::fromLatin1(qVersion())));

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* row = new QHBoxLayout;
    row->addWidget(icon);
    row->addWidget(m_text, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(row);
    layout->addWidget(buttons);
    setMinimumWidth(520);
}

QString AboutDialog::text() const { return m_text->text(); }

} // namespace lblab::ui
