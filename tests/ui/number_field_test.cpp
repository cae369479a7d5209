#include "ui/number_field.h"

#include "qt_app.h"

#include <QLineEdit>
#include <QSignalSpy>
#include <QTest>

#include <gtest/gtest.h>

using lblab::ui::NumberField;

namespace {

class NumberFieldTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        field.setRange(0, 60000);
        field.show();
        field.setFocus();
        field.editor()->selectAll();
    }
    QApplication& app = lblab::test::qtApp();
    NumberField field{QStringLiteral("Clients")};
};

} // namespace

TEST_F(NumberFieldTest, KeepsEveryTypedDigitInsideTheRange)
{
    // A plain QSpinBox with a maximum of 2000 dropped the last digit of 10000 (it read 1000).
    field.setRange(0, 20000);
    QTest::keyClicks(&field, "10000");
    EXPECT_EQ(field.editor()->text(), "10000");
    QTest::keyClick(&field, Qt::Key_Return);
    EXPECT_EQ(field.value(), 10000);
    EXPECT_TRUE(field.lastCorrection().isEmpty());
}

TEST_F(NumberFieldTest, ANumberPastTheMaximumIsCorrectedAndSaysWhy)
{
    QSignalSpy corrected(&field, &NumberField::inputCorrected);
    field.setLimitReason(QStringLiteral("the most a run may have"));
    QTest::keyClicks(&field, "99999");
    EXPECT_EQ(field.editor()->text(), "99999") << "the text stays as typed until it is committed";
    QTest::keyClick(&field, Qt::Key_Return);
    EXPECT_EQ(field.value(), 60000);
    ASSERT_EQ(corrected.count(), 1);
    const QString message = corrected.at(0).at(0).toString();
    EXPECT_TRUE(message.contains("99999")) << message.toStdString();
    EXPECT_TRUE(message.contains("60000")) << message.toStdString();
    EXPECT_TRUE(message.contains("Clients")) << message.toStdString();
    EXPECT_TRUE(message.contains("the most a run may have")) << message.toStdString();
}

TEST_F(NumberFieldTest, LeavingTheFieldCommitsAndCorrectsToo)
{
    QSignalSpy corrected(&field, &NumberField::inputCorrected);
    QTest::keyClicks(&field, "123456789012");
    EXPECT_TRUE(field.commitTyped());
    EXPECT_EQ(field.value(), 60000);
    EXPECT_EQ(corrected.count(), 1);
    QTest::keyClicks(&field, "x"); // not a number: refused like any spin box does
    EXPECT_EQ(field.editor()->text(), "60000");
}

TEST_F(NumberFieldTest, EnterIsAnnouncedAfterTheValueIsCommitted)
{
    int seenValue = -1;
    QObject::connect(&field, &NumberField::returnPressed, [&] { seenValue = field.value(); });
    QTest::keyClicks(&field, "9000");
    QTest::keyClick(&field, Qt::Key_Enter);
    EXPECT_EQ(seenValue, 9000);
}
