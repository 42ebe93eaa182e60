#include <common/http_client.hpp>
