-- rest-bench-create.lua: the wrk script of bench/rest-bench's job
-- creation: POST /api/jobs for short jobs (small previews, 0.1 s), so
-- the streamer's limits on running jobs and preview voxels per second
-- are not what is measured.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"shape":[8,8,8],"duration_s":0.1,"preview":{"hz":10}}'
