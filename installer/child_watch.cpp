#include <installer/child_watch.hpp>

namespace installer {
namespace {

// Set and read only by the thread that runs apply's steps (the import workers never run
// sdcadm), so a plain pointer is enough.
const ChildWatch* g_current = nullptr;

}  // namespace

ChildWatchScope::ChildWatchScope(const ChildWatch& watch) : m_previous(g_current) { g_current = &watch; }
ChildWatchScope::~ChildWatchScope() { g_current = m_previous; }
const ChildWatch* ChildWatchScope::current() { return g_current; }

}  // namespace installer
