#include <common/log.hpp>
