#include <common/progress.hpp>
