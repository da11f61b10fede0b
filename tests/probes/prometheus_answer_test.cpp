// Reading Prometheus query API answers (as Prometheus 2.42 writes them) into one number, and
// every way an answer can fail to be one: errors, several or no series, NaN, malformed JSON.

#include "probes/prometheus_answer.h"

#include <gtest/gtest.h>

#include <cmath>

namespace chaos::probes {
namespace {

void expect_error(const Result<double>& r, const std::string& part) {
  ASSERT_FALSE(r.is_ok()) << "value " << (r ? r.value() : 0);
  EXPECT_NE(r.status().message().find(part), std::string::npos) << r.status().message();
}

TEST(PrometheusAnswer, ReadsAScalar) {
  auto r = read_instant_answer(
      200, R"({"status":"success","data":{"resultType":"scalar","result":[1700000000.5,"42.5"]}})");
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r.value(), 42.5);
}

TEST(PrometheusAnswer, ReadsAOneElementVector) {
  auto r = read_instant_answer(200, R"({"status":"success","data":{"resultType":"vector","result":[
      {"metric":{"job":"shop"},"value":[1700000000.123,"0.0049"]}]}})");
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r.value(), 0.0049);
  auto inf = read_instant_answer(200, R"({"status":"success","data":{"resultType":"vector",
      "result":[{"metric":{},"value":[1,"+Inf"]}]}})");
  ASSERT_TRUE(inf.is_ok());
  EXPECT_TRUE(std::isinf(inf.value()));
}

TEST(PrometheusAnswer, AnEmptyOrSeveralSeriesVectorIsAnErrorWithTheCount) {
  expect_error(read_instant_answer(
                   200, R"({"status":"success","data":{"resultType":"vector","result":[]}})"),
               "the query returned an empty vector (0 series), expected exactly one");
  expect_error(
      read_instant_answer(200, R"({"status":"success","data":{"resultType":"vector","result":[
      {"metric":{"code":"200"},"value":[1,"1"]},{"metric":{"code":"503"},"value":[1,"2"]}]}})"),
      "the query returned 2 series, expected exactly one (aggregate it, e.g. sum(...)): "
      "{code=\"200\"}, {code=\"503\"}");
}

TEST(PrometheusAnswer, NaNIsNoValueNotHealthy) {
  expect_error(read_instant_answer(200, R"({"status":"success","data":{"resultType":"vector",
      "result":[{"metric":{},"value":[1,"NaN"]}]}})"),
               "no value: the query answered NaN");
}

TEST(PrometheusAnswer, StatusErrorCarriesPrometheusErrorTypeAndMessage) {
  expect_error(read_instant_answer(400, R"({"status":"error","errorType":"bad_data",
      "error":"invalid parameter \"query\": 1:13: parse error: unclosed left parenthesis"})"),
               "Prometheus error bad_data: invalid parameter \"query\": 1:13: parse error: "
               "unclosed left parenthesis");
  expect_error(read_instant_answer(503, R"({"status":"error","errorType":"timeout",
      "error":"query timed out in expression evaluation"})"),
               "Prometheus error timeout: query timed out");
}

TEST(PrometheusAnswer, HttpErrorsAndMalformedJsonSayWhat) {
  expect_error(read_instant_answer(502, "<html>Bad Gateway</html>"), "HTTP 502: <html>Bad Gateway");
  expect_error(read_instant_answer(200, R"({"status":"success","data":)"), "malformed JSON answer");
  expect_error(read_instant_answer(200, "[1,2]"), "malformed JSON answer (not an object)");
  expect_error(read_instant_answer(200, R"({"status":"success"})"),
               "expected status \"success\" and a data object");
  expect_error(read_instant_answer(200, R"({"status":"success","data":{"resultType":"vector",
      "result":[{"metric":{},"value":[1,"fast"]}]}})"),
               "the value \"fast\" is not a number");
  expect_error(read_instant_answer(200, R"({"status":"success","data":{"resultType":"vector",
      "result":[{"metric":{},"value":[1]}]}})"),
               "a point is not [time, \"value\"]");
}

TEST(PrometheusAnswer, AnInstantQueryReturningAMatrixOrStringIsAnError) {
  expect_error(read_instant_answer(200, R"({"status":"success","data":{"resultType":"matrix",
      "result":[{"metric":{},"values":[[1,"1"]]}]}})"),
               "returned a matrix (a range vector; use a range query");
  expect_error(read_instant_answer(
                   200, R"({"status":"success","data":{"resultType":"string","result":[1,"hi"]}})"),
               "returned a string");
}

const char* kRange = R"({"status":"success","data":{"resultType":"matrix","result":[
    {"metric":{"job":"shop"},"values":[[1,"4"],[2,"NaN"],[3,"1"],[4,"7"],[5,"3"]]}]}})";

TEST(PrometheusAnswer, RangeIsReducedByLastMinMaxOrMeanSkippingNaN) {
  EXPECT_EQ(read_range_answer(200, kRange, RangeReduce::kLast).value(), 3);
  EXPECT_EQ(read_range_answer(200, kRange, RangeReduce::kMin).value(), 1);
  EXPECT_EQ(read_range_answer(200, kRange, RangeReduce::kMax).value(), 7);
  EXPECT_EQ(read_range_answer(200, kRange, RangeReduce::kMean).value(), 15.0 / 4);
}

TEST(PrometheusAnswer, RangeErrors) {
  expect_error(read_range_answer(200, R"({"status":"success","data":{"resultType":"matrix",
      "result":[{"metric":{},"values":[[1,"NaN"]]}]}})",
                                 RangeReduce::kLast),
               "no value: the range has no points other than NaN");
  expect_error(read_range_answer(200, R"({"status":"success","data":{"resultType":"matrix",
      "result":[]}})",
                                 RangeReduce::kLast),
               "empty matrix (0 series)");
  expect_error(read_range_answer(200, R"({"status":"success","data":{"resultType":"matrix",
      "result":[{"metric":{"a":"1"},"values":[]},{"metric":{"a":"2"},"values":[]}]}})",
                                 RangeReduce::kMax),
               "returned 2 series");
}

TEST(PrometheusAnswer, ReduceNamesParse) {
  EXPECT_EQ(parse_range_reduce("mean").value(), RangeReduce::kMean);
  EXPECT_EQ(range_reduce_name(RangeReduce::kMax), "max");
  auto bad = parse_range_reduce("median");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("expected last, min, max or mean"), std::string::npos);
}

}  // namespace
}  // namespace chaos::probes
