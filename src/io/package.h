// LMS packages of a lesson (docs/lms.md): SCORM 1.2, SCORM 2004 4th edition and cmi5. A package
// is a zip of the simulator's site files (web/lms/files.json: which ones, under which names) and
// the files made here: lesson.json, scenario.json, package.json and the standard's manifest
// (imsmanifest.xml, or cmi5.xml). The command line (`motsim package`) and the app's download
// (motsim_package_files, zipped in the page) both take the generated files from this one place,
// so both make the same package. No zip here: the CLI zips with libzip, the page with fflate.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/lesson.h"
#include "engine/scenario.h"
#include "io/loader.h"

namespace motsim::io {

enum class PackageFormat { Scorm12, Scorm2004, Cmi5 };

// "scorm12", "scorm2004", "cmi5"; nothing for anything else.
std::optional<PackageFormat> package_format(const std::string& name);
const char* package_format_name(PackageFormat f);
const char* package_format_label(PackageFormat f);  // "SCORM 1.2", "SCORM 2004 (4th edition)", "cmi5 (xAPI)"

// A site file the package copies: `from` in the built site, `to` in the zip.
struct CopiedFile {
    std::string from, to;
};
// The site files of a package of format `f` (web/lms/files.json, built into the program).
std::vector<CopiedFile> package_copied_files(PackageFormat f);

// The files a package of `lesson` on `s` holds besides the site's: name -> text. False (and
// problems with the lesson's JSON pointers, or "/format") if the lesson does not fit the
// scenario or the format is unknown; `files` is then left empty.
bool package_generated_files(const Lesson& lesson, const Scenario& s, const std::string& format,
                             std::vector<std::pair<std::string, std::string>>& files, std::vector<Problem>& problems);

// For the page: {"ok": true, "format", "title", "files": {name: text}, "copy": [{"from", "to"}]}
// or {"ok": false, "error": "/pointer: message; ..."}.
std::string package_files_json(const Lesson& lesson, const Scenario& s, const std::string& format);

// The package's identifier: "motsim-" + the title's letters + a hash of the lesson and scenario,
// so the same lesson gives the same identifier (an LMS then sees an update, not a new course).
std::string package_identifier(const Lesson& lesson, const std::string& lesson_text, const std::string& scenario_text);

}  // namespace motsim::io
