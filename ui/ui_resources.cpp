#include "ui/ui_resources.h"

#include <QtGlobal>

// Q_INIT_RESOURCE must be used outside any namespace.
static void initLblabResources() { Q_INIT_RESOURCE(lblab); }

namespace lblab::ui {

void ensureResources()
{
    static const bool done = [] {
        initLblabResources();
        return true;
    }();
    (void)done;
}

} // namespace lblab::ui
