#pragma once

namespace lblab::ui {

/// Registers the compiled-in resources (icons). lblab_ui is a static library, so its resource
/// object must be pulled in explicitly; safe to call more than once.
void ensureResources();

} // namespace lblab::ui
