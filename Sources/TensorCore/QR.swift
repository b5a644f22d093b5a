import CBLAS

extension Tensor {
    /// Reduced QR of a row-major (m×n) matrix with m ≥ n, by LAPACK (sgeqrf + sorgqr).
    /// Returns Q (m×n, row-major) and the diagonal of R.
    public static func qr(rows m: Int, cols n: Int, _ a: [Float]) throws -> (q: [Float], rDiagonal: [Float]) {
        guard m >= n, n > 0, a.count == m * n else {
            throw LabError("QR needs a tall m×n matrix with m ≥ n > 0, got \(m)×\(n)")
        }
        guard m < Int(Int32.max), n < Int(Int32.max) else {
            throw LabError("QR of a \(m)×\(n) matrix is too large for LAPACK")
        }
        // LAPACK is column-major: transpose into column-major order.
        var colMajor = [Float](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { colMajor[j * m + i] = a[i * n + j] } }
        var mm = Int32(m), nn = Int32(n), lda = Int32(m), info: Int32 = 0
        var tau = [Float](repeating: 0, count: n)
        // Workspace query, then factorization.
        var lwork: Int32 = -1
        var query: Float = 0
        sgeqrf_(&mm, &nn, &colMajor, &lda, &tau, &query, &lwork, &info)
        lwork = max(Int32(query), nn)
        var work = [Float](repeating: 0, count: Int(lwork))
        // LAPACK's blocked QR is one big job: OpenBLAS's own threads suit it.
        BLAS.withOwnThreads { sgeqrf_(&mm, &nn, &colMajor, &lda, &tau, &work, &lwork, &info) }
        guard info == 0 else { throw LabError("LAPACK sgeqrf failed (info \(info))") }
        let diagonal = (0..<n).map { colMajor[$0 * m + $0] }
        var kk = nn
        lwork = -1
        sorgqr_(&mm, &nn, &kk, &colMajor, &lda, &tau, &query, &lwork, &info)
        lwork = max(Int32(query), nn)
        work = [Float](repeating: 0, count: Int(lwork))
        BLAS.withOwnThreads { sorgqr_(&mm, &nn, &kk, &colMajor, &lda, &tau, &work, &lwork, &info) }
        guard info == 0 else { throw LabError("LAPACK sorgqr failed (info \(info))") }
        var q = [Float](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { q[i * n + j] = colMajor[j * m + i] } }
        return (q, diagonal)
    }
}
