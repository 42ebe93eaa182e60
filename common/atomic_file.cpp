#include <common/atomic_file.hpp>
