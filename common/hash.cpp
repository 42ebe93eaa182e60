#include <common/hash.hpp>
