#pragma once
// Reading a rendered PDF back with poppler's pdftotext and pdfinfo. Finding exact Vietnamese strings
// in the extracted text proves that shaping, font embedding and the ToUnicode maps are right; a
// wrong font or broken encoding loses the diacritics.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <stdexcept>
#include <string>

namespace watchfloor::pdf_test {

inline bool have_tool(const std::string& name) {
  return std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) == 0;
}

inline std::string run(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(command.c_str(), "r"), pclose);
  if (!p) throw std::runtime_error("popen failed: " + command);
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p.get())) > 0) out.append(buf.data(), n);
  return out;
}

// The PDF in a temporary file, removed at the end of the test.
class PdfFile {
 public:
  PdfFile(const std::string& bytes, const std::string& prefix) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = info->name();  // "Test/Org2017" for a parameterised test
    for (char& c : name)
      if (c == '/') c = '_';
    path_ = std::filesystem::temp_directory_path() / (prefix + "-" + name + "-" + std::to_string(::getpid()) + ".pdf");
    std::ofstream(path_, std::ios::binary) << bytes;
  }
  ~PdfFile() { std::filesystem::remove(path_); }
  PdfFile(const PdfFile&) = delete;
  PdfFile& operator=(const PdfFile&) = delete;

  // The text of the document. Line breaks are layout, not content: runs of white space collapse to
  // one space. `options` are more pdftotext options (pages, a crop rectangle).
  std::string text(const std::string& options = "") const {
    std::string out = run("pdftotext -layout -enc UTF-8 " + options + " '" + path_.string() + "' -");
    return std::regex_replace(out, std::regex("\\s+"), " ");
  }
  // The text of the rectangle (points from the top left of an A4 page) of pages first..last.
  std::string text_in(int x, int y, int w, int h, int first = 1, int last = 0) const {
    return text("-f " + std::to_string(first) + (last > 0 ? " -l " + std::to_string(last) : "") + " -r 72 -x " +
                std::to_string(x) + " -y " + std::to_string(y) + " -W " + std::to_string(w) + " -H " +
                std::to_string(h));
  }
  // Every page above its foot, where the page number would otherwise cut into running text.
  std::string body_text(int first = 1, int last = 0) const { return text_in(0, 0, 595, 800, first, last); }
  int pages() const {
    std::smatch m;
    std::string info = run("pdfinfo '" + path_.string() + "'");
    return std::regex_search(info, m, std::regex("Pages:\\s+(\\d+)")) ? std::stoi(m[1]) : -1;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace watchfloor::pdf_test
