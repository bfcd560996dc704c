using Hangfire;
using Quartz;

namespace Fulfillment.Worker;

public static class Jobs
{
    public static void Register(IServiceCollectionQuartzConfigurator q)
    {
        RecurringJob.AddOrUpdate("purge-reservations", () => Reservations.Purge(), Cron.Daily); // expect: entrypoints-dotnet
        RecurringJob.AddOrUpdate<ReportJob>("weekly-report", job => job.Run(), "0 6 * * 1"); // expect: entrypoints-dotnet

        var key = new JobKey("reconcile");
        q.AddJob<ReconcileJob>(opts => opts.WithIdentity(key));
        q.AddTrigger(opts => opts
            .ForJob(key)
            .WithCronSchedule("0 0/5 * * * ?")); // expect: entrypoints-dotnet
    }
}
