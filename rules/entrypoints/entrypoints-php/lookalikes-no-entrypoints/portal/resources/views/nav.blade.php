<nav>
    <a href="{{ route('dashboard') }}" @class(['active' => Route::is('dashboard')])>Dashboard</a>
    <a href="{{ route('invoices.index') }}">Invoices</a>
</nav>
