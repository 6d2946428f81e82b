// `motsim package LESSON --scenario FILE --format scorm12|scorm2004|cmi5 -o OUT.zip [--site DIR]`:
// an LMS package of a lesson (src/io/package.h says what it holds). The zip is written with
// libzip to a temporary file beside OUT and renamed into place only when complete, so a bad
// lesson, a missing site file or a full disk leaves nothing behind. Entries carry a fixed date:
// the same lesson, scenario and site give the same bytes.
#include "cli/package_cli.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/common.h"
#include "io/lesson_io.h"
#include "io/loader.h"
#include "io/package.h"

#if MOTSIM_HAVE_LIBZIP
#include <zip.h>
#endif

namespace motsim::cli {

namespace fs = std::filesystem;

namespace {

int bad(const std::string& why) {
    std::cerr << "motsim package: " << why << "\n";
    return kBadInput;
}

bool read_file(const fs::path& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream ss;
    ss << in.rdbuf();
    out = ss.str();
    return static_cast<bool>(in) || in.eof();
}

// Where the built web site is: --site, $MOTSIM_SITE, the build's own (MOTSIM_DEFAULT_SITE), or
// web/site beside the program's folder.
fs::path find_site(const std::string& option, const char* argv0) {
    if (!option.empty()) return option;
    if (const char* env = std::getenv("MOTSIM_SITE"); env && *env) return env;
#ifdef MOTSIM_DEFAULT_SITE
    if (fs::exists(fs::path(MOTSIM_DEFAULT_SITE) / "lms")) return MOTSIM_DEFAULT_SITE;
#endif
    std::error_code ec;
    const fs::path exe = fs::weakly_canonical(fs::path(argv0 ? argv0 : ""), ec);
    return exe.parent_path().parent_path() / "web" / "site";
}

}  // namespace

int cmd_package(const std::vector<std::string>& args, const char* argv0) {
    std::string lesson_file, scenario_file, format, out_file, site_option;
    bool have_format = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&]() -> const std::string* { return i + 1 < args.size() ? &args[++i] : nullptr; };
        if (a == "--scenario") {
            const std::string* v = value();
            if (!v) return bad("--scenario needs a scenario file");
            scenario_file = *v;
        } else if (a == "--format") {
            const std::string* v = value();
            if (!v) return bad("--format needs scorm12, scorm2004 or cmi5");
            format = *v;
            have_format = true;
        } else if (a == "-o" || a == "--output") {
            const std::string* v = value();
            if (!v) return bad("-o needs the zip file to write");
            out_file = *v;
        } else if (a == "--site") {
            const std::string* v = value();
            if (!v) return bad("--site needs the folder of the built web site");
            site_option = *v;
        } else if (!a.empty() && a[0] == '-') {
            return usage("unknown option " + a + " for package");
        } else if (lesson_file.empty()) {
            lesson_file = a;
        } else {
            return usage("package takes one lesson file");
        }
    }
    if (lesson_file.empty()) return bad("the lesson file is missing: motsim package LESSON.json --scenario FILE ...");
    if (scenario_file.empty()) return bad("--scenario is missing: the scenario the lesson runs on");
    if (!have_format) return bad("--format is missing: scorm12, scorm2004 or cmi5");
    const auto fmt = io::package_format(format);
    if (!fmt) return bad("--format '" + format + "' is not one of scorm12, scorm2004, cmi5");
    if (out_file.empty()) return bad("-o is missing: the zip file to write");
    if (fs::is_directory(out_file)) return bad("-o " + out_file + " is a folder; give a file name such as lesson.zip");

    // The lesson and the scenario, each with its problems (file: /pointer: message).
    std::string lesson_text;
    if (!read_file(lesson_file, lesson_text)) return bad("cannot read " + lesson_file);
    Lesson lesson;
    std::vector<io::Problem> problems;
    if (!io::load_lesson(lesson_text, lesson, problems)) {
        for (const io::Problem& p : problems) std::cerr << io::format_problem(lesson_file, p) << "\n";
        return kBadInput;
    }
    const std::optional<Scenario> sc = load(scenario_file);
    if (!sc) return kBadInput;
    std::vector<std::pair<std::string, std::string>> generated;
    if (!io::package_generated_files(lesson, *sc, format, generated, problems)) {
        for (const io::Problem& p : problems) std::cerr << io::format_problem(lesson_file, p) << "\n";
        return kBadInput;
    }

    // The site's files, all read before anything is written.
    const fs::path site = find_site(site_option, argv0);
    std::vector<std::pair<std::string, std::string>> entries;
    for (const io::CopiedFile& c : io::package_copied_files(*fmt)) {
        std::string data;
        if (!read_file(site / c.from, data))
            return bad("the web site's file " + c.from + " is missing in " + site.string() +
                       " (build it with scripts/build.sh web, or give --site DIR)");
        entries.emplace_back(c.to, std::move(data));
    }
    for (auto& g : generated) entries.push_back(std::move(g));

#if MOTSIM_HAVE_LIBZIP
    const fs::path out(out_file);
    const fs::path tmp = out.parent_path() / (out.filename().string() + ".part");
    int err = 0;
    zip_t* z = zip_open(tmp.string().c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    if (!z) return bad("cannot write " + out_file);
    bool ok = true;
    for (const auto& [name, data] : entries) {
        zip_source_t* src = zip_source_buffer(z, data.data(), data.size(), 0);
        const zip_int64_t idx = src ? zip_file_add(z, name.c_str(), src, ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8) : -1;
        if (idx < 0) {
            if (src) zip_source_free(src);
            ok = false;
            break;
        }
        // A fixed date (2020-01-01) keeps the bytes of a package the same from run to run.
        zip_file_set_mtime(z, static_cast<zip_uint64_t>(idx), 1577836800, 0);
        zip_set_file_compression(z, static_cast<zip_uint64_t>(idx), ZIP_CM_DEFLATE, 9);
    }
    if (!ok) {
        zip_discard(z);
        std::error_code ec;
        fs::remove(tmp, ec);
        return bad("cannot add the files to " + out_file);
    }
    if (zip_close(z) != 0) {
        std::cerr << "motsim package: cannot write " << out_file << ": " << zip_strerror(z) << "\n";
        zip_discard(z);
        std::error_code ec;
        fs::remove(tmp, ec);
        return kBadInput;
    }
    std::error_code ec;
    fs::rename(tmp, out, ec);
    if (ec) {
        fs::remove(tmp, ec);
        return bad("cannot write " + out_file);
    }
    std::size_t bytes = 0;
    for (const auto& e : entries) bytes += e.second.size();
    std::printf("%s: %s package of \"%s\", %zu files (%.1f MB unpacked)\n", out_file.c_str(),
                io::package_format_label(*fmt), lesson.title.c_str(), entries.size(), static_cast<double>(bytes) / 1e6);
    return kOk;
#else
    return bad("this build of motsim has no zip support (it is the WebAssembly command line): use the native motsim");
#endif
}

}  // namespace motsim::cli
