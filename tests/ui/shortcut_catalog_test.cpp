#include "ui/shortcut_catalog.h"

#include "qt_app.h"

#include <QFile>

#include <gtest/gtest.h>

using lblab::ui::ShortcutCatalog;
using lblab::ui::ShortcutInfo;

namespace {

/// The man page's text with troff's escapes for a hyphen and a zero-width break taken out.
QString manPageText()
{
    QFile file(QStringLiteral(LBLAB_MAN_PAGE));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QString text = QString::fromUtf8(file.readAll());
    text.replace(QStringLiteral("\\-"), QStringLiteral("-"));
    text.replace(QStringLiteral("\\&"), QString());
    return text;
}

} // namespace

TEST(ShortcutCatalogTest, TheManPageDocumentsEveryKey)
{
    lblab::test::qtApp(); // the catalog's standard keys (Ctrl+O, ...) ask the platform
    const QString man = manPageText();
    ASSERT_FALSE(man.isEmpty()) << LBLAB_MAN_PAGE;
    const qsizetype section = man.indexOf(QStringLiteral("\n.SH WINDOW KEYS\n"));
    ASSERT_GE(section, 0) << "the man page has a WINDOW KEYS section";
    const QString keys = man.mid(section, man.indexOf(QStringLiteral("\n.SH "), section + 1) - section);
    int checked = 0;
    for (const ShortcutInfo& info : ShortcutCatalog::all()) {
        // The catalog's ellipsis is three dots in the man page (troff input stays ASCII).
        QString line = info.keysText;
        line.replace(QChar(0x2026), QStringLiteral("..."));
        EXPECT_TRUE(keys.contains(QStringLiteral("\n.B ") + line + QLatin1Char('\n')))
            << "the man page's WINDOW KEYS section does not list " << line.toStdString();
        ++checked;
    }
    EXPECT_GE(checked, 20);
}

TEST(ShortcutCatalogTest, ListsTheFlowViewAndStepKeys)
{
    lblab::test::qtApp();
    for (const QKeySequence& key : {ShortcutCatalog::flowView(), ShortcutCatalog::step(), ShortcutCatalog::run()})
        EXPECT_TRUE(ShortcutCatalog::lists(key)) << key.toString().toStdString();
    const QString help = ShortcutCatalog::html();
    for (const char* key : {"<b>F</b>", "<b>N</b>", "<b>R</b>"})
        EXPECT_TRUE(help.contains(QLatin1String(key))) << key;
}
