/* doubles: printf and strtod of doubles and floats, libm, and the dynamic
 * rounding mode (frm through fesetround): every result is checked against
 * its IEEE 754 value, then printed. */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <string.h>
#include "check.h"

/* Formats `x` with `fmt` and checks the text is `want`. */
static void expect(const char *fmt, double x, const char *want) {
    char got[128];
    snprintf(got, sizeof got, fmt, x);
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "printf(\"%s\") gave %s, want %s\n", fmt, got, want);
        exit(1);
    }
    printf("%-8s %s\n", fmt, got);
}

/* Opaque to the optimizer, so the division happens at run time in the
 * current rounding mode rather than at compile time. */
static volatile double one = 1.0, three = 3.0;

int main(void) {
    expect("%.17g", 0.1, "0.10000000000000001");
    expect("%.6f", M_PI, "3.141593");
    expect("%e", 6.02214076e23, "6.022141e+23");
    expect("%g", 1e-5, "1e-05");
    expect("%a", 1.0, "0x1p+0");
    expect("%.2f", 2.675, "2.67"); /* 2.675 is 2.67499999... in binary */
    expect("%g", -0.0, "-0");
    expect("%g", 5e-324, "4.94066e-324"); /* the smallest subnormal */
    expect("%g", DBL_MAX, "1.79769e+308");
    expect("%f", DBL_MAX * 2, "inf");
    expect("%f", -NAN, "-nan");
    expect("%.15g", sqrt(2.0), "1.4142135623731");
    expect("%.15g", exp(1.0), "2.71828182845905");
    expect("%.15g", sin(M_PI / 6), "0.5");
    expect("%.15g", pow(2.0, 0.5) * pow(2.0, 0.5), "2");
    expect("%.10g", fma(0.1, 10.0, -1.0), "5.551115123e-17");
    expect("%.9g", (double)(1.0f / 3.0f), "0.333333343");
    expect("%.0f", (double)(long long)-2.5e15, "-2500000000000000");
    expect("%.1f", (double)9007199254740993LL, "9007199254740992.0");

    CHECK(strtod("0x1.8p1", NULL) == 3.0);
    CHECK(strtod("1e400", NULL) == HUGE_VAL);
    CHECK(strtod("2.2250738585072011e-308", NULL) < DBL_MIN);
    CHECK(lrint(2.5) == 2 && lrint(3.5) == 4);

    /* The same division in each rounding mode: only the last bit differs. */
    const int modes[] = {FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};
    const char *names[] = {"nearest", "upward", "downward", "towardzero"};
    const char *want[] = {"0x1.5555555555555p-2", "0x1.5555555555556p-2", "0x1.5555555555555p-2",
                          "0x1.5555555555555p-2"};
    for (int i = 0; i < 4; i++) {
        CHECK(fesetround(modes[i]) == 0);
        double q = one / three;
        CHECK(fegetround() == modes[i]);
        fesetround(FE_TONEAREST);
        char got[64];
        snprintf(got, sizeof got, "%a", q);
        CHECK(strcmp(got, want[i]) == 0);
        printf("1/3 rounded %-10s %s\n", names[i], got);
    }

    /* Exception flags: an inexact division, then an invalid operation. */
    feclearexcept(FE_ALL_EXCEPT);
    volatile double r = one / three;
    (void)r;
    CHECK(fetestexcept(FE_INEXACT) && !fetestexcept(FE_INVALID));
    volatile double z = sqrt(-one);
    CHECK(isnan(z) && fetestexcept(FE_INVALID));
    printf("flags inexact and invalid raised as expected\n");
    return 0;
}
