#!/usr/bin/env python3
"""The NumPy peer of hashpivot's engine: the reference model as a quant would write it in NumPy,
vectorised over trials with a loop over months, for the benchmark (bench/bench.ts).

It implements what engine/ implements (market.ts, site.ts, hosting.ts, strategy.ts, accounting.ts)
from the resolved scenario JSON, with NumPy's PCG64 instead of the engine's sfc32 streams, so its
random numbers differ and only the distributions agree: bench.ts compares mean NPVs per strategy.

    python3 bench/peer.py SCENARIO_JSON TRIALS SEED [CHUNK_TRIALS]

prints one JSON object: timing (wall and CPU seconds of the simulation, import and load time) and, per strategy,
the mean NPV with its standard error and a few other means for diagnosis. Exit code 3 when NumPy
is missing (with the install hint on stderr).
"""
import json
import math
import sys
import time

_t_import = time.perf_counter()
try:
    import numpy as np
except ImportError:  # pragma: no cover - depends on the machine
    sys.stderr.write(
        "bench/peer.py needs NumPy. On Debian/Ubuntu: apt-get install -y python3-numpy "
        "(or: python3 -m pip install numpy)\n"
    )
    sys.exit(3)
_import_seconds = time.perf_counter() - _t_import

# Units and Bitcoin constants, as in engine/market.ts and engine/bitcoin.ts.
SECONDS_PER_MONTH = 365.25 * 86400 / 12
HOURS_PER_MONTH = 365.25 * 24 / 12
DT_YEARS = 1 / 12
HASHES_PER_DIFFICULTY = 2.0**32
HALVING_INTERVAL_BLOCKS = 210_000.0
RETARGET_INTERVAL_BLOCKS = 2016.0
TARGET_TIMESPAN_SECONDS = 2016 * 600.0
INITIAL_SUBSIDY_SATS = 5_000_000_000.0
SATS_PER_BTC = 1e8

IDLE, BUILDING, SEARCHING, LEASED = 0, 1, 2, 3


def js_round(x):
    """JavaScript's Math.round: halves go up (NumPy's round goes to even)."""
    return np.floor(np.asarray(x, dtype=float) + 0.5)


def subsidy_btc(height):
    """Bitcoin Core GetBlockSubsidy: floor(50 BTC / 2^halvings), zero after 64 halvings."""
    halvings = np.floor(np.asarray(height, dtype=float) / HALVING_INTERVAL_BLOCKS)
    sats = np.where(halvings >= 64, 0.0, np.floor(INITIAL_SUBSIDY_SATS / np.exp2(np.minimum(halvings, 64))))
    return sats / SATS_PER_BTC


def ou_transition(reversion_per_year, volatility_per_year):
    decay = math.exp(-reversion_per_year * DT_YEARS)
    if reversion_per_year > 0:
        vol = volatility_per_year * math.sqrt((1 - decay * decay) / (2 * reversion_per_year))
    else:
        vol = volatility_per_year * math.sqrt(DT_YEARS)
    return decay, vol


def annuity_payment(principal, monthly_rate, months):
    principal = np.asarray(principal, dtype=float)
    if monthly_rate == 0:
        return principal / months
    return principal * monthly_rate / (1 - (1 + monthly_rate) ** -months)


class Params:
    """The scenario turned into per-month constants (engine/market.ts marketParams, site.ts siteParams)."""

    def __init__(self, sc):
        self.months = months = int(sc["horizonMonths"])
        a, mk, site, hosting = sc["asOf"], sc["market"], sc["site"], sc["hosting"]
        price, hr, fees, energy, ai = mk["price"], mk["hashrate"], mk["fees"], mk["energy"], mk["aiDemand"]
        self.L = np.linalg.cholesky(np.array(mk["correlation"], dtype=float))

        jumps_per_year = 0.0 if price["model"] == "gbm" else price["jumpsPerYear"]
        jump_comp = math.exp(price["jumpMeanLog"] + 0.5 * price["jumpSdLog"] ** 2) - 1
        self.log_price0 = math.log(a["priceUsd"])
        self.price_drift = (price["driftPerYear"] - 0.5 * price["volatilityPerYear"] ** 2 - jumps_per_year * jump_comp) * DT_YEARS
        self.price_vol = price["volatilityPerYear"] * math.sqrt(DT_YEARS)
        self.jump_rate = jumps_per_year * DT_YEARS
        self.jump_mean, self.jump_sd = price["jumpMeanLog"], price["jumpSdLog"]

        m = np.arange(months)
        eff = hr["breakevenEfficiencyJPerTh"] * (1 - hr["efficiencyGainPerYear"]) ** (m / 12)
        self.log_breakeven = np.log(eff * 0.024 * hr["breakevenPowerUsdPerMwh"])
        hashrate_hs = a["networkHashrateEhs"] * 1e18
        self.log_hashrate0 = math.log(hashrate_hs)
        self.hr_growth = hr["growthPerYear"] * DT_YEARS
        self.hr_response = hr["responsePerYear"] * DT_YEARS
        self.hr_vol = hr["volatilityPerYear"] * math.sqrt(DT_YEARS)
        self.lag = int(hr["responseLagMonths"])

        self.height0 = a["blockHeight"] + 1  # blocks mined so far = height of the next block
        blocks_since = a.get("blocksSinceRetarget", self.height0 % 2016)
        self.difficulty0 = a["difficulty"]
        self.ssr0 = a.get("secondsSinceRetarget", blocks_since * a["difficulty"] * HASHES_PER_DIFFICULTY / hashrate_hs)

        self.log_fees_mean = math.log(fees["meanBtcPerBlock"])
        self.log_fees0 = math.log(max(a["feesBtcPerBlock"], 1e-8))
        self.fees_decay, self.fees_vol = ou_transition(fees["reversionPerYear"], fees["volatilityPerYear"])

        month0 = int(a["date"][5:7]) - 1
        cal = (month0 + m) % 12
        summer = (cal >= 5) & (cal <= 7)  # June, July, August
        self.log_energy_mean = math.log(energy["meanUsdPerMwh"]) + np.where(summer, math.log1p(energy["summerUplift"]), 0.0)
        self.log_energy0 = math.log(a["energyUsdPerMwh"])
        self.energy_decay, self.energy_vol = ou_transition(energy["reversionPerYear"], energy["volatilityPerYear"])
        self.spike_rate = energy["spikesPerYear"] * DT_YEARS
        self.spike_mean, self.spike_sd = energy["spikeMeanLog"], energy["spikeSdLog"]

        self.log_ai0 = math.log(a.get("aiDemandIndex", 1))
        self.ai_decay, self.ai_vol = ou_transition(ai["reversionPerYear"], ai["volatilityPerYear"])
        self.winter_enter = 1 - math.exp(-ai["winterHazardPerYear"] * DT_YEARS)
        self.winter_exit = min(1.0, 1 / ai["winterMeanMonths"])
        self.winter_factor = ai["winterIndexFactor"]

        # Site and hosting (engine/site.ts).
        self.power_mw = site["powerMw"]
        self.efficiency = site["efficiencyJPerTh"]
        self.net_eff_gain = hr["efficiencyGainPerYear"]
        self.uptime, self.pool_fee = site["uptime"], site["poolFee"]
        self.opex = site["opexUsdPerMwMonth"] * site["powerMw"]
        self.cash0, self.credit_line = site["cashUsd"], site["creditLineUsd"]
        self.site_debt0 = site["debtUsd"]
        self.site_debt_rate = site["debtRatePerYear"] / 12
        self.site_debt_payment = 0.0 if site["debtUsd"] == 0 else float(annuity_payment(site["debtUsd"], self.site_debt_rate, site["debtTermMonths"]))
        self.ppa_share, self.ppa_price = site["ppaShare"], site["ppaUsdPerMwh"]
        self.asic_usd_per_th, self.tax_rate = site["asicUsdPerTh"], site["taxRate"]
        self.it_kw_per_mw = 1000 / hosting["pue"]
        self.conversion_usd_per_mw = hosting["conversionUsdPerMwIt"] / hosting["pue"]
        bm = hosting["buildMonths"]
        self.build_min, self.build_mode, self.build_max = bm["min"], bm["mode"], bm["max"]
        self.lease_rate, self.lease_elasticity = hosting["leaseUsdPerKwMonth"], hosting["leaseElasticity"]
        self.escalator = hosting["escalatorPerYear"]
        self.lease_months = int(js_round(hosting["leaseYears"] * 12))
        self.signing_p = hosting["signingProbabilityPerMonth"]
        self.default_p = 1 - math.exp(-hosting["defaultHazardPerYear"] / 12)
        self.winter_default_p = 1 - math.exp(-hosting["winterDefaultHazardPerYear"] / 12)
        self.recovery_share = hosting["recoveryShare"]
        self.pass_through = bool(hosting["powerPassThrough"])
        self.capex_debt_share = hosting["capexDebtShare"]
        self.capex_debt_rate = hosting["capexDebtRatePerYear"] / 12
        self.capex_debt_term = hosting["capexDebtTermMonths"]
        self.discount = (1 / (1 + sc["discountRatePerYear"] / 12)) ** np.arange(1, months + 1)
        tv = sc["terminalValue"]
        self.terminal_multiple = 0.0 if tv["method"] == "none" else tv["annualCashFlowMultiple"]

        self.rules = [strategy_rule(s) for s in sc["strategies"]]


def strategy_rule(spec):
    """engine/strategy.ts strategyRule."""
    rule = dict(name=spec["name"], at=math.inf, share=0.0, curtail=spec.get("curtail", True), refresh=0,
                trigger_below=0.0, trigger_months=0)
    kind = spec["kind"]
    if kind == "stay":
        rule["refresh"] = spec.get("refreshEveryMonths", 0)
    elif kind in ("convert", "hybrid"):
        rule["at"], rule["share"] = spec["atMonth"], spec["share"]
    elif kind == "trigger":
        rule["at"], rule["share"] = -1, spec["share"]
        rule["trigger_below"], rule["trigger_months"] = spec["hashpriceBelowUsdPerPhDay"], spec["forMonths"]
    else:
        raise ValueError(f"strategy kind {kind!r} is not implemented by the peer")
    return rule


def simulate_market(p, n, rng):
    """Market paths of n trials, shape (months, n): the state at the start of each month."""
    M = p.months
    out = {k: np.empty((M, n)) for k in ("price", "difficulty", "hashprice", "btc_per_ehs", "energy", "ai")}
    winter_path = np.empty((M, n), dtype=bool)
    log_hp = np.empty((M, n))
    log_price = np.full(n, p.log_price0)
    log_hr = np.full(n, p.log_hashrate0)
    log_fees = np.full(n, p.log_fees0)
    log_energy = np.full(n, p.log_energy0)
    log_ai = np.full(n, p.log_ai0)
    winter = np.zeros(n, dtype=bool)
    height = np.full(n, float(p.height0))
    difficulty = np.full(n, float(p.difficulty0))
    ssr = np.full(n, float(p.ssr0))
    subsidy = np.full(n, float(subsidy_btc(p.height0)))
    next_halving = np.full(n, (math.floor(p.height0 / HALVING_INTERVAL_BLOCKS) + 1) * HALVING_INTERVAL_BLOCKS)
    next_retarget = np.full(n, (math.floor(p.height0 / RETARGET_INTERVAL_BLOCKS) + 1) * RETARGET_INTERVAL_BLOCKS)
    halving_month = np.full(n, np.nan)
    L = p.L
    min_span, max_span = TARGET_TIMESPAN_SECONDS / 4, TARGET_TIMESPAN_SECONDS * 4

    for m in range(M):
        price = np.exp(log_price)
        hashrate = np.exp(log_hr)
        fees = np.exp(log_fees)
        out["price"][m] = price
        out["difficulty"][m] = difficulty
        out["energy"][m] = np.exp(log_energy)
        winter_path[m] = winter
        ai = np.exp(log_ai)
        out["ai"][m] = np.where(winter, ai * p.winter_factor, ai)
        hp = (subsidy + fees) * price * (86400 * 1e15) / (difficulty * HASHES_PER_DIFFICULTY)
        out["hashprice"][m] = hp
        log_hp[m] = np.log(hp)

        # Blocks accrue as a fluid at H / (D 2^32) per second; retargets and halvings are events at
        # block heights inside the month. Masked loop over segments: each pass moves every trial
        # still in the month to its next event or to the end of the month.
        remaining = np.full(n, SECONDS_PER_MONTH)
        reward = np.zeros(n)
        idx = None  # None = every trial
        while True:
            if idx is None:
                h, d, hr_, sub, fe = height, difficulty, hashrate, subsidy, fees
                nh, nr, rem = next_halving, next_retarget, remaining
            else:
                h, d, hr_, sub, fe = height[idx], difficulty[idx], hashrate[idx], subsidy[idx], fees[idx]
                nh, nr, rem = next_halving[idx], next_retarget[idx], remaining[idx]
            bps = hr_ / (d * HASHES_PER_DIFFICULTY)
            event = np.minimum(nh, nr)
            t = (event - h) / bps
            ends = t > rem
            reward_rate = (sub + fe) / d
            # Trials whose month ends before their next event.
            seg = np.where(ends, rem, t)
            gain = seg * reward_rate
            new_height = np.where(ends, h + rem * bps, event)
            if idx is None:
                reward += gain
                ssr += seg
                height[:] = new_height
                go = np.flatnonzero(~ends)
            else:
                reward[idx] += gain
                ssr[idx] += seg
                height[idx] = new_height
                go = idx[~ends]
            if go.size == 0:
                break
            keep = ~ends
            ev = event[keep]
            remaining[go] = rem[keep] - t[keep]
            halves = nh[keep] == ev
            if halves.any():
                hi = go[halves]
                subsidy[hi] = subsidy_btc(ev[halves])
                next_halving[hi] += HALVING_INTERVAL_BLOCKS
                first = np.isnan(halving_month[hi])
                halving_month[hi[first]] = m + 1 - remaining[hi[first]] / SECONDS_PER_MONTH
            retargets = nr[keep] == ev
            if retargets.any():
                ri = go[retargets]
                span = np.clip(ssr[ri], min_span, max_span)
                difficulty[ri] = np.maximum(difficulty[ri] * TARGET_TIMESPAN_SECONDS / span, 1.0)
                ssr[ri] = 0.0
                next_retarget[ri] += RETARGET_INTERVAL_BLOCKS
            idx = go
        out["btc_per_ehs"][m] = reward * 1e18 / HASHES_PER_DIFFICULTY

        # Correlated shocks z = L e; factors: price, hashrate, fees, energy, AI demand.
        e = rng.standard_normal((7, n))
        z = L @ e[:5]
        log_price += p.price_drift + p.price_vol * z[0]
        if p.jump_rate > 0:
            jumps = rng.poisson(p.jump_rate, n)
            # A sum of k normal jumps is one normal with k times the mean and variance.
            log_price += jumps * p.jump_mean + np.sqrt(jumps) * p.jump_sd * e[5]
        gap = log_hp[max(m - p.lag, 0)] - p.log_breakeven[m]
        log_hr += p.hr_growth + p.hr_response * gap + p.hr_vol * z[1]
        log_fees = p.log_fees_mean + (log_fees - p.log_fees_mean) * p.fees_decay + p.fees_vol * z[2]
        e_mean = p.log_energy_mean[min(m + 1, M - 1)]
        log_energy = e_mean + (log_energy - e_mean) * p.energy_decay + p.energy_vol * z[3]
        if p.spike_rate > 0:
            spikes = rng.poisson(p.spike_rate, n)
            log_energy += spikes * p.spike_mean + np.sqrt(spikes) * p.spike_sd * e[6]
        log_ai = log_ai * p.ai_decay + p.ai_vol * z[4]
        u = rng.random(n)
        winter = np.where(winter, u >= p.winter_exit, u < p.winter_enter)

    out["winter"] = winter_path
    out["halving_month"] = halving_month
    out["final_price"] = out["price"][M - 1].copy()
    return out


def site_draws(p, n, rng):
    """engine/site.ts SiteDraws: build months (triangular, rounded, >= 1), signing and default uniforms."""
    u = rng.random(n)
    lo, mode, hi = p.build_min, p.build_mode, p.build_max
    if hi == lo:
        months = np.full(n, float(lo))
    else:
        split = (mode - lo) / (hi - lo)
        months = np.where(u < split, lo + np.sqrt(u * (hi - lo) * (mode - lo)), hi - np.sqrt((1 - u) * (hi - lo) * (hi - mode)))
    return {
        "build_months": np.maximum(1.0, js_round(months)),
        "signing_u": rng.random((p.months, n)),
        "default_u": rng.random((p.months, n)),
    }


def evaluate(p, rule, mk, draws, n):
    """engine/strategy.ts evaluate + hosting.ts, vectorised over trials. Returns per-trial outcomes."""
    M = p.months
    share = rule["share"]
    trigger = rule["at"] == -1
    convert_at = np.full(n, float(rule["at"]))
    hosting_possible = share > 0 and (trigger or rule["at"] < M)
    converted_mw = p.power_mw * share
    it_kw = converted_mw * p.it_kw_per_mw
    capex_total = converted_mw * p.conversion_usd_per_mw
    build_months = draws["build_months"]

    state = np.zeros(n, dtype=np.int8)
    build_end = np.zeros(n)
    debt = np.zeros(n)
    payment = np.zeros(n)
    lease_rate = np.zeros(n)
    lease_start = np.zeros(n)
    escalation = np.ones(n)
    zeros = np.zeros(n)

    efficiency = p.efficiency
    cash = np.full(n, float(p.cash0))
    min_cash = cash.copy()
    ruin_month = np.full(n, np.nan)
    site_debt = float(p.site_debt0)
    btc = np.zeros(n)
    revenue = np.zeros(n)
    kwh = np.zeros(n)
    last12 = np.zeros(n)
    below = np.zeros(n)
    flows = np.empty((M, n))

    for m in range(M):
        if hosting_possible:
            starting = convert_at == m
            if starting.any():
                state[starting] = BUILDING if share > 0 else IDLE
                build_end[starting] = m + build_months[starting]
                debt[starting] = 0.0
                payment[starting] = 0.0
            converted = (m >= convert_at) & (convert_at >= 0)
            mining_mw = p.power_mw * np.where(converted, 1 - share, 1.0)
        else:
            mining_mw = p.power_mw

        capex = zeros
        if rule["refresh"] > 0 and m > 0 and m % rule["refresh"] == 0:
            # A refresh buys machines as efficient as the network's fleet has become since month 0.
            efficiency = p.efficiency * (1 - p.net_eff_gain) ** (m / 12)
            capex = mining_mw * 1e6 / efficiency * p.asic_usd_per_th + zeros

        power_price = p.ppa_share * p.ppa_price + (1 - p.ppa_share) * mk["energy"][m]
        mined = (mining_mw / efficiency) * p.uptime * (1 - p.pool_fee) * mk["btc_per_ehs"][m]
        mining_rev = mined * mk["price"][m]
        mining_mwh = mining_mw * HOURS_PER_MONTH * p.uptime + zeros
        mining_energy = mining_mwh * power_price
        if rule["curtail"]:
            on = mining_rev >= mining_energy
            mined = np.where(on, mined, 0.0)
            mining_rev = np.where(on, mining_rev, 0.0)
            mining_mwh = np.where(on, mining_mwh, 0.0)
            mining_energy = np.where(on, mining_energy, 0.0)

        rent = recovery = capex_equity = debt_service = it_kwh = host_mwh = zeros
        if hosting_possible and (state != IDLE).any():
            operating_before = state >= SEARCHING
            building = state == BUILDING
            if building.any():
                spend = capex_total / build_months
                capex_equity = np.where(building, spend * (1 - p.capex_debt_share), 0.0)
                debt = np.where(building, debt * (1 + p.capex_debt_rate) + spend * p.capex_debt_share, debt)
                done = building & (m + 1 >= build_end)
                if done.any():
                    state[done] = SEARCHING
                    payment[done] = annuity_payment(debt[done], p.capex_debt_rate, p.capex_debt_term)
            if operating_before.any():
                o = operating_before
                owing = o & (debt > 0)
                interest = debt * p.capex_debt_rate
                paid = np.minimum(payment, debt + interest)
                new_debt = debt + interest - paid
                new_debt = np.where(new_debt < 1e-6, 0.0, new_debt)
                debt = np.where(owing, new_debt, debt)
                debt_service = np.where(owing, paid, 0.0)

                index = mk["ai"][m]
                expired = o & (state == LEASED) & (m - lease_start >= p.lease_months)
                state[expired] = SEARCHING
                signs = o & (state == SEARCHING) & (draws["signing_u"][m] < p.signing_p * index)
                if signs.any():
                    state[signs] = LEASED
                    lease_start[signs] = m
                    lease_rate[signs] = p.lease_rate * index[signs] ** p.lease_elasticity
                    escalation[signs] = 1.0
                leased = o & (state == LEASED)
                lease_month = m - lease_start
                anniversary = leased & (lease_month > 0) & (lease_month % 12 == 0)
                escalation = np.where(anniversary, escalation * (1 + p.escalator), escalation)
                rent_due = it_kw * lease_rate * escalation
                default_p = np.where(mk["winter"][m], p.winter_default_p, p.default_p)
                defaults = leased & (draws["default_u"][m] < default_p)
                # Recovery: a share of the rent still owed, undiscounted, at today's escalated rate.
                recovery = np.where(defaults, p.recovery_share * rent_due * (p.lease_months - lease_month), 0.0)
                state[defaults] = SEARCHING
                paying = leased & ~defaults
                rent = np.where(paying, rent_due, 0.0)
                it_kwh = np.where(paying, it_kw * HOURS_PER_MONTH, 0.0)
                if not p.pass_through:
                    host_mwh = np.where(paying, converted_mw * HOURS_PER_MONTH, 0.0)

        capex = capex + capex_equity
        operating = mining_rev + rent + recovery - mining_energy - host_mwh * power_price - p.opex
        tax = np.where(operating > 0, p.tax_rate * operating, 0.0) if p.tax_rate > 0 else zeros

        site_debt_service = 0.0
        if site_debt > 0:
            interest = site_debt * p.site_debt_rate
            site_debt_service = min(p.site_debt_payment, site_debt + interest)
            site_debt += interest - site_debt_service
            if site_debt < 1e-6:
                site_debt = 0.0

        flow = operating - tax - capex - site_debt_service - debt_service
        flows[m] = flow
        cash += flow
        np.minimum(min_cash, cash, out=min_cash)
        ruin_month[np.isnan(ruin_month) & (cash < -p.credit_line)] = m
        if m >= M - 12:
            last12 += operating - tax
        btc += mined
        revenue += mining_rev + rent
        kwh += mining_mwh * 1000 + it_kwh

        if trigger:
            # Decided on the month's hashprice, acted on from the next month.
            pending = convert_at < 0
            below = np.where(mk["hashprice"][m] < rule["trigger_below"], below + 1, 0.0)
            fire = pending & (below >= rule["trigger_months"])
            convert_at[fire] = m + 1

    annual_last12 = last12 if M >= 12 else last12 * 12 / M
    terminal = np.maximum(0.0, p.terminal_multiple * annual_last12) - site_debt - debt
    npv = p.discount @ flows + terminal * p.discount[M - 1]
    payback = payback_month(flows)
    flows[M - 1] += terminal
    irr = internal_rate_of_return(flows)
    return {
        "npv": npv,
        "irr": irr,
        "payback": payback,
        "min_cash": min_cash,
        "ruined": ~np.isnan(ruin_month),
        "btc": btc,
        "revenue_per_kwh": np.where(kwh > 0, revenue / np.where(kwh > 0, kwh, 1.0), np.nan),
    }


def payback_month(flows):
    """The month after which cumulative cash flow stays >= 0; NaN if negative at the horizon."""
    M = flows.shape[0]
    negative = np.cumsum(flows, axis=0) < 0
    any_negative = negative.any(axis=0)
    last_negative = np.where(any_negative, M - 1 - np.argmax(negative[::-1], axis=0), -1)
    return np.where(last_negative == M - 1, np.nan, last_negative + 1.0)


def internal_rate_of_return(flows):
    """engine/accounting.ts internalRateOfReturn over columns: bracket [-99%, +100%] a month, then
    safeguarded Newton from 1% a month, iterating only on the trials not yet converged."""
    M, n = flows.shape
    result = np.full(n, np.nan)
    candidate = (flows < 0).any(axis=0) & (flows > 0).any(axis=0)
    nonzero = flows != 0
    last = M - 1 - np.argmax(nonzero[::-1], axis=0)  # trailing zeros dropped (no underflow at -99%)
    # Sign of NPV at -99%/month: NPV x (1 + lo)^months by Horner's rule, finite for any horizon.
    f_lo = np.zeros(n)
    for m in range(M):
        f_lo = np.where(m <= last, f_lo * 0.01 + flows[m], f_lo)
    f_hi = (0.5 ** np.arange(1, M + 1)) @ flows
    lo_root = candidate & (f_lo == 0)
    result[lo_root] = 0.01**12 - 1
    live = np.flatnonzero(candidate & (f_lo != 0) & ~(f_lo * f_hi > 0))
    if live.size == 0:
        return result
    F = flows[:, live]
    f_lo = f_lo[live]
    with np.errstate(all="ignore"):  # NPV near -99%/month overflows to +-inf, as in the engine: only its sign is used
        return _newton(result, live, F, f_lo)


def _newton(result, live, F, f_lo):
    M = F.shape[0]
    lo = np.full(live.size, -0.99)
    hi = np.full(live.size, 1.0)
    rate = np.full(live.size, 0.01)
    for _ in range(100):
        # NPV = x Q(x) with x = 1/(1 + rate), Q(x) = sum f_m x^m; d NPV/d rate = -x^2 (Q + x Q').
        # Horner's rule gives Q and Q' together, row by row, without a months x trials temporary.
        x = 1 / (1 + rate)
        q = F[M - 1].copy()
        dq = np.zeros_like(q)
        for m in range(M - 2, -1, -1):
            dq *= x
            dq += q
            q *= x
            q += F[m]
        npv = x * q
        slope = -x * x * (q + x * dq)
        exact = npv == 0
        same = npv * f_lo > 0
        lo = np.where(same, rate, lo)
        f_lo = np.where(same, npv, f_lo)
        hi = np.where(same, hi, rate)
        nxt = rate - npv / slope
        nxt = np.where((nxt > lo) & (nxt < hi), nxt, 0.5 * (lo + hi))
        converged = np.abs(nxt - rate) < 1e-12 * (1 + np.abs(rate))
        finished = exact | converged
        result[live[exact]] = (1 + rate[exact]) ** 12 - 1
        done_newton = converged & ~exact
        result[live[done_newton]] = (1 + nxt[done_newton]) ** 12 - 1
        keep = ~finished
        if not keep.any():
            return result
        live, F, f_lo, lo, hi, rate = live[keep], F[:, keep], f_lo[keep], lo[keep], hi[keep], nxt[keep]
    result[live] = (1 + rate) ** 12 - 1
    return result


def main(argv):
    if len(argv) < 4:
        sys.stderr.write("usage: peer.py SCENARIO_JSON TRIALS SEED [CHUNK_TRIALS]\n")
        return 2
    t_load = time.perf_counter()
    with open(argv[1]) as f:
        scenario = json.load(f)
    trials, seed = int(argv[2]), int(argv[3])
    chunk = int(argv[4]) if len(argv) > 4 else 16384
    p = Params(scenario)
    load_seconds = time.perf_counter() - t_load

    rng = np.random.Generator(np.random.PCG64(seed))
    names = [r["name"] for r in p.rules]
    keys = ("npv", "irr", "payback", "ruined", "btc", "revenue_per_kwh")
    collected = {name: {k: [] for k in keys} for name in names}
    halving, final_price = [], []
    t0 = time.perf_counter()
    cpu0 = time.process_time()  # every thread of the process (a multithreaded BLAS would show here)
    done = 0
    while done < trials:
        n = min(chunk, trials - done)
        mk = simulate_market(p, n, rng)
        draws = site_draws(p, n, rng)
        halving.append(mk["halving_month"])
        final_price.append(mk["final_price"])
        for rule in p.rules:
            o = evaluate(p, rule, mk, draws, n)
            for k in keys:
                collected[rule["name"]][k].append(o[k])
        done += n
    seconds = time.perf_counter() - t0
    cpu_seconds = time.process_time() - cpu0

    def nanmean(x):
        return float(np.nanmean(x)) if np.isfinite(x).any() else None

    strategies = []
    for name in names:
        c = {k: np.concatenate(v) for k, v in collected[name].items()}
        npv = c["npv"]
        strategies.append({
            "name": name,
            "npvMean": float(npv.mean()),
            "npvSe": float(npv.std(ddof=1) / math.sqrt(npv.size)) if npv.size > 1 else None,
            "irrDefinedShare": float(np.isfinite(c["irr"]).mean()),
            "irrMean": nanmean(c["irr"]),
            "paybackDefinedShare": float(np.isfinite(c["payback"]).mean()),
            "paybackMean": nanmean(c["payback"]),
            "pRuin": float(c["ruined"].mean()),
            "btcMinedMean": float(c["btc"].mean()),
            "revenueUsdPerKwhMean": nanmean(c["revenue_per_kwh"]),
        })
    halving_all = np.concatenate(halving)
    result = {
        "peer": "numpy",
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "trials": trials,
        "months": p.months,
        "seed": seed,
        "chunkTrials": chunk,
        "seconds": seconds,
        "cpuSeconds": cpu_seconds,
        "importSeconds": _import_seconds,
        "loadSeconds": load_seconds,
        "trialMonthsPerSecond": trials * p.months / seconds,
        "strategies": strategies,
        "market": {
            "pHalvingWithinHorizon": float(np.isfinite(halving_all).mean()),
            "nextHalvingMonthMean": nanmean(halving_all),
            "finalPriceMean": float(np.concatenate(final_price).mean()),
        },
    }
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
