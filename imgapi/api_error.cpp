#include <imgapi/api_error.hpp>
