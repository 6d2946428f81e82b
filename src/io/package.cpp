#include "io/package.h"

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "io/lesson_io.h"
#include "lms_files_embedded.h"

namespace motsim::io {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// Text for an XML element or attribute value.
std::string xml(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&apos;"; break;
            default:
                // Control characters are not allowed in XML 1.0 (tab, newline, return are).
                if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
                    out += ' ';
                else
                    out += static_cast<char>(c);
        }
    }
    return out;
}

// At most `max` bytes of `s`, cut at a character boundary.
std::string clip(const std::string& s, std::size_t max) {
    if (s.size() <= max) return s;
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0u) == 0x80u) --cut;
    return s.substr(0, cut);
}

std::uint64_t fnv1a(std::uint64_t h, const std::string& s) {
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

std::string title_of(const Lesson& lesson, const Scenario& s) {
    if (!lesson.title.empty()) return lesson.title;
    return s.name.empty() ? "motsim lesson" : s.name;
}

// The files of the package, for the manifests' <file> lists: the site's, then the generated.
std::vector<std::string> file_names(PackageFormat f) {
    std::vector<std::string> names;
    for (const CopiedFile& c : package_copied_files(f)) names.push_back(c.to);
    for (const char* n : {"lesson.json", "scenario.json", "package.json", "package-data.js"}) names.push_back(n);
    return names;
}

std::string files_xml(PackageFormat f, const char* indent) {
    std::string out;
    for (const std::string& n : file_names(f)) out += std::string(indent) + "<file href=\"" + xml(n) + "\"/>\n";
    return out;
}

// A SCORM manifest: one organization with one item, the launch page as one SCO. The two
// editions differ in their namespaces, schema version, the SCO attribute's spelling and 2004's
// sequencing (the content, not the LMS, sets completion and success).
std::string scorm_manifest(PackageFormat f, const std::string& id, const std::string& title) {
    const bool v2004 = f == PackageFormat::Scorm2004;
    const std::string t = xml(clip(title, 200));
    std::string m = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<manifest identifier=\"" + xml(id) + "\" version=\"" +
                    (v2004 ? "1" : "1.0") + "\"\n";
    if (v2004)
        m += "          xmlns=\"http://www.imsglobal.org/xsd/imscp_v1p1\"\n"
             "          xmlns:adlcp=\"http://www.adlnet.org/xsd/adlcp_v1p3\"\n"
             "          xmlns:adlseq=\"http://www.adlnet.org/xsd/adlseq_v1p3\"\n"
             "          xmlns:adlnav=\"http://www.adlnet.org/xsd/adlnav_v1p3\"\n"
             "          xmlns:imsss=\"http://www.imsglobal.org/xsd/imsss\"\n"
             "          xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
             "          xsi:schemaLocation=\"http://www.imsglobal.org/xsd/imscp_v1p1 imscp_v1p1.xsd "
             "http://www.adlnet.org/xsd/adlcp_v1p3 adlcp_v1p3.xsd "
             "http://www.adlnet.org/xsd/adlseq_v1p3 adlseq_v1p3.xsd "
             "http://www.adlnet.org/xsd/adlnav_v1p3 adlnav_v1p3.xsd "
             "http://www.imsglobal.org/xsd/imsss imsss_v1p0.xsd\">\n";
    else
        m += "          xmlns=\"http://www.imsproject.org/xsd/imscp_rootv1p1p2\"\n"
             "          xmlns:adlcp=\"http://www.adlnet.org/xsd/adlcp_rootv1p2\"\n"
             "          xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
             "          xsi:schemaLocation=\"http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd "
             "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd "
             "http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd\">\n";
    m += "  <metadata>\n    <schema>ADL SCORM</schema>\n    <schemaversion>" +
         std::string(v2004 ? "2004 4th Edition" : "1.2") + "</schemaversion>\n  </metadata>\n";
    m += "  <organizations default=\"org_1\">\n    <organization identifier=\"org_1\">\n      <title>" + t +
         "</title>\n      <item identifier=\"item_1\" identifierref=\"sco_1\" isvisible=\"true\">\n        <title>" + t +
         "</title>\n";
    if (v2004)
        m += "        <imsss:sequencing>\n"
             "          <imsss:deliveryControls completionSetByContent=\"true\" objectiveSetByContent=\"true\"/>\n"
             "        </imsss:sequencing>\n";
    m += "      </item>\n    </organization>\n  </organizations>\n  <resources>\n";
    m += std::string("    <resource identifier=\"sco_1\" type=\"webcontent\" adlcp:") +
         (v2004 ? "scormType" : "scormtype") + "=\"sco\" href=\"index.html\">\n" + files_xml(f, "      ") +
         "    </resource>\n  </resources>\n</manifest>\n";
    return m;
}

std::string cmi5_course(const std::string& id, const std::string& title, const std::string& description) {
    const std::string iri = "urn:motsim:lesson:" + id;
    const std::string t = "<langstring lang=\"en-US\">" + xml(clip(title, 200)) + "</langstring>";
    const std::string d = "<langstring lang=\"en-US\">" + xml(clip(description, 1000)) + "</langstring>";
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<courseStructure xmlns=\"https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd\">\n"
           "  <course id=\"" + xml(iri) + "\">\n"
           "    <title>" + t + "</title>\n"
           "    <description>" + d + "</description>\n"
           "  </course>\n"
           "  <au id=\"" + xml(iri + ":au") + "\" moveOn=\"CompletedAndPassed\" masteryScore=\"1\" launchMethod=\"AnyWindow\">\n"
           "    <title>" + t + "</title>\n"
           "    <description>" + d + "</description>\n"
           "    <url>index.html</url>\n"
           "  </au>\n"
           "</courseStructure>\n";
}

}  // namespace

std::optional<PackageFormat> package_format(const std::string& name) {
    if (name == "scorm12") return PackageFormat::Scorm12;
    if (name == "scorm2004") return PackageFormat::Scorm2004;
    if (name == "cmi5") return PackageFormat::Cmi5;
    return std::nullopt;
}

const char* package_format_name(PackageFormat f) {
    switch (f) {
        case PackageFormat::Scorm12: return "scorm12";
        case PackageFormat::Scorm2004: return "scorm2004";
        case PackageFormat::Cmi5: return "cmi5";
    }
    return "";
}

const char* package_format_label(PackageFormat f) {
    switch (f) {
        case PackageFormat::Scorm12: return "SCORM 1.2";
        case PackageFormat::Scorm2004: return "SCORM 2004 (4th edition)";
        case PackageFormat::Cmi5: return "cmi5 (xAPI)";
    }
    return "";
}

std::vector<CopiedFile> package_copied_files(PackageFormat f) {
    static const json table = [] {
        json j = json::parse(lms_files::kFiles[0].text, nullptr, false);
        return j.is_object() ? j : json::object();
    }();
    std::vector<CopiedFile> out;
    auto add = [&](const char* group) {
        const auto it = table.find(group);
        if (it == table.end() || !it->is_array()) return;
        for (const json& e : *it)
            if (e.is_object() && e.contains("from") && e.contains("to") && e["from"].is_string() && e["to"].is_string())
                out.push_back({e["from"].get<std::string>(), e["to"].get<std::string>()});
    };
    add("all");
    if (f == PackageFormat::Cmi5) add("cmi5");
    return out;
}

std::string package_identifier(const Lesson& lesson, const std::string& lesson_text, const std::string& scenario_text) {
    std::string slug;
    for (unsigned char c : lesson.title) {
        if (std::isalnum(c))
            slug += static_cast<char>(std::tolower(c));
        else if (!slug.empty() && slug.back() != '-')
            slug += '-';
        if (slug.size() >= 40) break;
    }
    while (!slug.empty() && slug.back() == '-') slug.pop_back();
    if (slug.empty()) slug = "lesson";
    const std::uint64_t h = fnv1a(fnv1a(14695981039346656037ull, lesson_text), scenario_text);
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
    return "motsim-" + slug + "-" + std::string(hex, 12);
}

bool package_generated_files(const Lesson& lesson, const Scenario& s, const std::string& format,
                             std::vector<std::pair<std::string, std::string>>& files, std::vector<Problem>& problems) {
    files.clear();
    const std::size_t before = problems.size();
    const auto f = package_format(format);
    if (!f) {
        Problem p;
        p.pointer = "/format";
        p.message = "unknown package format '" + clip(format, 40) + "' (scorm12, scorm2004 or cmi5)";
        problems.push_back(p);
    }
    if (lesson.steps.empty()) {
        Problem p;
        p.pointer = "/steps";
        p.message = "a lesson needs at least one step";
        problems.push_back(p);
    }
    check_lesson_for(lesson, s, problems, "");
    if (problems.size() != before) return false;

    const std::string lesson_text = lesson_to_json(lesson);
    const std::string scenario_text = scenario_to_json(s);
    const std::string title = title_of(lesson, s);
    const std::string id = package_identifier(lesson, lesson_text, scenario_text);
    ordered_json meta;
    meta["format"] = package_format_name(*f);
    meta["title"] = title;
    meta["identifier"] = id;
    meta["version"] = 1;
    files.emplace_back("lesson.json", lesson_text);
    files.emplace_back("scenario.json", scenario_text);
    files.emplace_back("package.json",
                       meta.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n");
    // The same three files as a script: a launch page opened from a plain folder (file://) cannot
    // fetch them, but runs a script (ASCII, so the page's encoding does not matter).
    ordered_json data;
    for (const auto& [name, text] : files) data[name] = text;
    files.emplace_back("package-data.js",
                       "// lesson.json, scenario.json and package.json for a launch page opened from a plain folder.\n"
                       "window.MOTSIM_PACKAGE_FILES = " +
                           data.dump(-1, ' ', true, ordered_json::error_handler_t::replace) + ";\n");
    switch (*f) {
        case PackageFormat::Scorm12:
        case PackageFormat::Scorm2004: files.emplace_back("imsmanifest.xml", scorm_manifest(*f, id, title)); break;
        case PackageFormat::Cmi5:
            files.emplace_back("cmi5.xml",
                               cmi5_course(id, title, lesson.introduction.empty() ? title : lesson.introduction));
            break;
    }
    return true;
}

std::string package_files_json(const Lesson& lesson, const Scenario& s, const std::string& format) {
    std::vector<std::pair<std::string, std::string>> files;
    std::vector<Problem> problems;
    ordered_json j;
    if (!package_generated_files(lesson, s, format, files, problems)) {
        std::string error;
        for (const Problem& p : problems) error += (error.empty() ? "" : "; ") + p.pointer + ": " + p.message;
        j["ok"] = false;
        j["error"] = error;
    } else {
        const PackageFormat f = *package_format(format);
        j["ok"] = true;
        j["format"] = package_format_name(f);
        j["title"] = title_of(lesson, s);
        j["files"] = ordered_json::object();
        for (const auto& [name, text] : files) j["files"][name] = text;
        j["copy"] = ordered_json::array();
        for (const CopiedFile& c : package_copied_files(f)) j["copy"].push_back({{"from", c.from}, {"to", c.to}});
    }
    return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

}  // namespace motsim::io
