import Foundation

extension FixtureCases {
    /// Cases kept one per folder, as the gradient fixtures are (`keras/gradients/pool_ties/000/case.json` …):
    /// every numbered folder under `path` is a case, read from its `case.json` with its
    /// folder (relative to Tests/Fixtures); a folder whose case cannot be read is a problem.
    public init(folders path: String, _ read: (_ folder: String, _ json: [String: Any]) throws -> Case) {
        var cases: [Case] = [], problems: [String] = []
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: fixture(path).path)) ?? [])
            .filter { !$0.isEmpty && $0.allSatisfy(\.isNumber) }.sorted()
        if names.isEmpty { problems.append("\(path): no case folders") }
        for name in names {
            let folder = path + "/" + name
            do {
                let json = try (loadJSON(folder + "/case.json") as? [String: Any]).orThrow("\(folder)/case.json is not an object")
                cases.append(try read(folder, json))
            } catch { problems.append("\(folder): \(error)") }
        }
        self.cases = cases
        inFile = names.count
        self.problems = problems
    }
}
