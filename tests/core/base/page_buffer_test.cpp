#include "core/base/page_buffer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include <sys/mman.h>
#include <unistd.h>

namespace lblab {
namespace {

std::size_t pageSize() { return static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)); }

/// Pages of `b` the kernel holds in memory now.
std::size_t residentPages(const PageBuffer& b)
{
    std::vector<unsigned char> in(b.mapped() / pageSize());
    if (::mincore(const_cast<char*>(b.data()), b.mapped(), in.data()) != 0)
        return static_cast<std::size_t>(-1);
    std::size_t n = 0;
    for (unsigned char c : in)
        n += c & 1;
    return n;
}

TEST(PageBufferTest, OnlyThePagesWrittenAreResident)
{
    PageBuffer b(64 * pageSize());
    ASSERT_EQ(b.size(), 64 * pageSize());
    EXPECT_EQ(residentPages(b), 0u) << "a fresh buffer holds no memory";
    b.data()[0] = 'x';
    b.data()[10 * pageSize()] = 'y';
    EXPECT_EQ(residentPages(b), 2u);
}

TEST(PageBufferTest, GrowingKeepsTheBytesAndRoundsToPages)
{
    PageBuffer b(100);
    EXPECT_EQ(b.size(), 100u);
    EXPECT_EQ(b.mapped(), pageSize());
    std::memcpy(b.data(), "hello", 5);
    b.resize(pageSize() / 2); // within the mapping
    EXPECT_EQ(b.mapped(), pageSize());
    b.resize(40 * pageSize()); // remapped
    EXPECT_EQ(b.size(), 40 * pageSize());
    EXPECT_EQ(b.mapped(), 40 * pageSize());
    EXPECT_EQ(std::memcmp(b.data(), "hello", 5), 0);
    b.data()[b.size() - 1] = 'z'; // the whole size is writable
    b.resize(3);
    EXPECT_EQ(b.size(), 3u);
    EXPECT_EQ(std::memcmp(b.data(), "hel", 3), 0);
}

TEST(PageBufferTest, EmptyMovedAndSwappedBuffers)
{
    PageBuffer empty;
    EXPECT_EQ(empty.data(), nullptr);
    EXPECT_EQ(empty.size(), 0u);
    PageBuffer a(10);
    std::memcpy(a.data(), "abc", 3);
    PageBuffer moved(std::move(a));
    EXPECT_EQ(a.size(), 0u);
    EXPECT_EQ(a.data(), nullptr);
    EXPECT_EQ(std::memcmp(moved.data(), "abc", 3), 0);
    moved.swap(empty);
    EXPECT_EQ(moved.size(), 0u);
    EXPECT_EQ(empty.size(), 10u);
    PageBuffer target(5000);
    target = std::move(empty); // the old mapping goes
    EXPECT_EQ(target.size(), 10u);
    EXPECT_EQ(std::memcmp(target.data(), "abc", 3), 0);
}

} // namespace
} // namespace lblab
