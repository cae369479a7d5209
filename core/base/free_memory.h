#pragma once

namespace lblab {

/// Gives the pages the allocator holds free (between live blocks, in every thread's arena) back to
/// the system. glibc keeps freed memory for reuse, so without this a long run's resident size creeps
/// up to its busiest moment's and stays there, though the live heap is flat. Costs about a
/// millisecond; call it rarely (after a burst, every few seconds).
void returnFreeMemory();

} // namespace lblab
