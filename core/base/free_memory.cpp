#include "core/base/free_memory.h"

#include <malloc.h>

namespace lblab {

void returnFreeMemory()
{
    ::malloc_trim(0);
}

} // namespace lblab
