#include <imgapi/client.hpp>
